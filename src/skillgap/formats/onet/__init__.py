"""The O*NET database (U.S. Department of Labor): skills, knowledge and technology skills as a
framework, and O*NET-SOC occupations with their importance and level ratings.

Licence: the O*NET database is licensed under CC BY 4.0
(https://www.onetcenter.org/license_db.html). Whatever shows or exports imported O*NET
content must carry this notice (``attribution(version)``; the framework keeps it in its
``description`` and ``extra["attribution"]``):

    This product includes information from the O*NET 29.2 Database by the U.S. Department
    of Labor, Employment and Training Administration (USDOL/ETA). Used under the CC BY 4.0
    license. O*NET® is a trademark of USDOL/ETA. skillgap has modified all or some of this
    information. USDOL/ETA has not approved, endorsed, or tested these modifications.

Input: a folder holding a release, Excel edition (``Skills.xlsx`` ...) or text edition
(``Skills.txt`` ..., tab-delimited UTF-8); each file is looked for as ``.xlsx``, then
``.txt``, and both are read through the same code (the text edition's ``n/a`` is blank).
Read: Content Model Reference and Level Scale Anchors; Occupation Data, Skills and
Knowledge (``occupations=True``); Technology Skills (``technology=True``); the release
(e.g. "29.2") from ``Read Me.txt`` unless a ``version`` is given. Reading limits: see
``_sheets`` (regular files, size, zip-bomb check, cells are data, never formulas).

Rules:

- Competencies: the leaves of the content model's branches 2.A Basic Skills and 2.B
  Cross-Functional Skills (``skill_type`` "skill", 35 in 29.2) and 2.C Knowledge
  ("knowledge", 33); code = Element ID, name and description from Content Model Reference,
  ``uri`` their O*NET OnLine page, ``extra["level_anchors"]`` the LV anchors
  ``[[value, text], ...]`` from Level Scale Anchors.
- Soft skills: 2.B.1 Social Skills and 2.A.2 Process skills (Critical Thinking, Active
  Learning, Learning Strategies, Monitoring): O*NET defines both by how a person works with
  people and learns, not by a work domain. Everything else is hard.
- Groups: every ancestor of a competency in the outline except the root "2" (2.A Basic
  Skills > 2.A.1 Content ..., 2.C Knowledge > 2.C.1 Business and Management ...), named
  from Content Model Reference, parents by outline prefix; plus "technology".
- Technology skills: see ``_technology`` (one competency per UNSPSC commodity; essential to
  an occupation when In Demand for it, Hot Technology does not decide).
- Occupations: every row of Occupation Data (``level_scale`` "onet-lv"). A skill or
  knowledge element is one OccupationSkill with importance = IM (1-5) and level = LV (0-7):
  essential when IM >= 3 ("Important"), else optional. A pair flagged Not Relevant = Y
  (most raters found it not important) is left out. A rating flagged Recommend Suppress =
  Y (low precision) is kept as unknown (None): the skill stays, optional if its IM is the
  unknown one. Rows of codes not in Occupation Data, of elements outside the content
  model's skills/knowledge or of scales other than IM and LV are skipped.
- The framework uses the 0-5 DEFAULT_SCALE like the rest of skillgap; occupations' LV
  ratings stay on "onet-lv" and are mapped when a role is made from them.
- Every skip or flag count is one warning (count and examples). A file that cannot be
  read (missing, damaged, too large, a zip bomb) or has a bad header (a missing or repeated
  column) stops the import with one InputError. A bad row (an empty or malformed value, a
  rating out of range or given twice, a bad flag, a control character) is skipped and the
  reading goes on; once every file is read, the errors of all bad rows are raised together
  as one InputErrors (each naming file, row as the spreadsheet shows it, and column; file
  by file, row by row), and nothing is imported.
"""

from skillgap.formats.onet._content import SOFT_BRANCHES
from skillgap.formats.onet._ratings import ESSENTIAL_IMPORTANCE
from skillgap.formats.onet._reader import ATTRIBUTION, attribution, read_onet
from skillgap.formats.onet._sheets import MAX_UNCOMPRESSED_BYTES
from skillgap.formats.onet._technology import MAX_EXAMPLES

__all__ = [
    "ATTRIBUTION",
    "ESSENTIAL_IMPORTANCE",
    "MAX_EXAMPLES",
    "MAX_UNCOMPRESSED_BYTES",
    "SOFT_BRANCHES",
    "attribution",
    "read_onet",
]
