"""1EdTech CASE (Competencies and Academic Standards Exchange) 1.0 and 1.1: a CFPackage
(JSON) ↔ a framework.

Reading (``read_case``):

- CFDocument → the framework: id = ``framework_id``, else a slug of the title; name = title
  (else the identifier); version = version, else "1"; description; uri (None when it is
  ``urn:uuid:<identifier>``, what the writer makes for a framework without one).
- Every CFItem is a competency: code = humanCodingScheme when no other item has it (nor
  has it as identifier), else the identifier (with a warning); name = abbreviatedStatement,
  else fullStatement shortened (80 characters, at a word); description = fullStatement
  unless the name is all of it; uri; alt_labels = (alternativeLabel,); skill_type =
  CFItemType; kind hard. Keywords (conceptKeywords) are topics, not synonyms: kept in extra.
- The ``isChildOf`` tree gives the groups: an item that is the parent of other items is also
  a capability group, code ``"g:" + its code`` (same name and description), whose parent is
  its own parent's group; each competency is in its parent item's group (none at the top).
  An item's parent is its first ``isChildOf`` to the document or an item of the package; a
  second parent is kept but warned about, and so is an association naming a node that is not
  in the package. A cycle is an ``InputError``.
- Everything else is kept in ``extra`` as JSON values, verbatim: each item's other keys in
  its competency's ``extra["case"]``; the CFDocument's other keys and the package's other
  parts (CFAssociations, CFDefinitions with the item types, concepts, subjects, licences and
  association groupings, CFRubrics with criteria and levels, ``extensions``, vendor keys) in
  the framework's ``extra["case"]``. See ``objects`` for how odd values stay exact.
- Refused, with the file and JSON path: not JSON, not an object, over the size limit, no
  CFDocument or CFDocument.identifier, an item without identifier or fullStatement, an
  identifier used twice (items, document, associations), a malformed association end.

Writing (``write_case``): the mapping backwards. A framework read from CASE is written as it
was read (exactly, when nothing was changed: see tests/formats/test_case.py for what
"exactly" means); a field changed in skillgap is written from the domain, and an item whose
group changed gets a new ``isChildOf``. A framework made elsewhere becomes a CASE 1.1
package: a CFItem per group and per competency, ``isChildOf`` associations for the tree, and
identifiers uuid5(``objects.NAMESPACE``, "<framework id>:<code>") that are the same on every
export. What CASE has no field for (kind, further alternative labels, reuse level, retired;
"this item is a group, not a competency") goes in the item's ``extensions.skillgap``, so
the package reads back as the same framework.
"""

from skillgap.formats.case.reader import read_case
from skillgap.formats.case.writer import write_case

__all__ = ["read_case", "write_case"]
