"""The pure domain core: values in, values out; no I/O, no framework, no database."""

from skillgap.domain.credentials import (
    Achievement,
    Alignment,
    AlignmentStatus,
    AssessmentType,
    Award,
    Evidence,
    ExpiryPolicy,
    Issuer,
    IssuerTier,
)
from skillgap.domain.frameworks import (
    CapabilityGroup,
    Competency,
    CompetencyRef,
    Framework,
    SkillKind,
)
from skillgap.domain.observations import Observation, SourceKind
from skillgap.domain.people import Person
from skillgap.domain.roles import Importance, Requirement, Role
from skillgap.domain.scales import (
    BUILTIN_SCALES,
    DEFAULT_SCALE,
    KPM_SCALE,
    Level,
    ProficiencyScale,
    convert,
)
from skillgap.domain.verification import (
    Check,
    CheckStatus,
    VerificationReport,
    VerificationStatus,
)

__all__ = [
    "BUILTIN_SCALES",
    "DEFAULT_SCALE",
    "KPM_SCALE",
    "Achievement",
    "Alignment",
    "AlignmentStatus",
    "AssessmentType",
    "Award",
    "CapabilityGroup",
    "Check",
    "CheckStatus",
    "Competency",
    "CompetencyRef",
    "Evidence",
    "ExpiryPolicy",
    "Framework",
    "Importance",
    "Issuer",
    "IssuerTier",
    "Level",
    "Observation",
    "Person",
    "ProficiencyScale",
    "Requirement",
    "Role",
    "SkillKind",
    "SourceKind",
    "VerificationReport",
    "VerificationStatus",
    "convert",
]
