"""skillgap: skill gap analysis with verified micro-credentials.

The public face of the library; everything else is reachable through its modules.
"""

from skillgap.config import Settings, load_settings
from skillgap.errors import SkillgapError

__version__ = "0.1.0"

__all__ = ["Settings", "SkillgapError", "__version__", "load_settings"]
