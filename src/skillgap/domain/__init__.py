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
from skillgap.domain.occupations import Occupation, OccupationSkill, Relation
from skillgap.domain.people import Person
from skillgap.domain.roles import Importance, Requirement, Role
from skillgap.domain.scales import (
    BUILTIN_SCALES,
    DEFAULT_SCALE,
    EIGHT_LEVEL_SCALE,
    KPM_SCALE,
    ONE_TO_FIVE_SCALE,
    ONET_LEVEL_SCALE,
    SEVEN_LEVEL_SCALE,
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
    "EIGHT_LEVEL_SCALE",
    "KPM_SCALE",
    "ONET_LEVEL_SCALE",
    "ONE_TO_FIVE_SCALE",
    "SEVEN_LEVEL_SCALE",
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
    "Occupation",
    "OccupationSkill",
    "Person",
    "ProficiencyScale",
    "Relation",
    "Requirement",
    "Role",
    "SkillKind",
    "SourceKind",
    "VerificationReport",
    "VerificationStatus",
    "convert",
]
