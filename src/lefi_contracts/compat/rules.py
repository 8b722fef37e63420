"""The rule catalogue, as data: one place that says what each change means, where, and for whom.

Direction: a response change breaks consumers when it removes or narrows what they were promised
(or, for strict readers, adds what they do not know); a request change breaks when it adds
requirements or narrows what the provider accepts. docs/compat-rules.md is generated from this.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lefi_contracts.compat.model import Verdict

B: Verdict = "breaking"
PB: Verdict = "potentially breaking"
C: Verdict = "compatible"


@dataclass(frozen=True)
class Rule:
    id: str
    change: str  # what changed
    where: str  # request | response | operation | both | cross-format
    strict: Verdict  # verdict for a strictly validating reader
    tolerant: Verdict  # verdict for a tolerant reader
    explanation: str  # one-line template; {old} {new} {name} are filled in

    def verdict(self, reader: str) -> Verdict:
        return self.strict if reader == "strict" else self.tolerant


# id | what changed | where | strict reader | tolerant reader | explanation ({old} {new} {name} filled in)
# Sections: operations and messages; parameters and headers; fields; types, values and facets; XSD constructs;
# cross-format (XML version -> JSON version through a declared mapping); evidence; what is not compared.
_TABLE = """
operation-removed | operation or path removed | operation | B | B | operation {name} no longer exists: every caller of it fails
operation-added | operation or path added | operation | C | C | new operation {name}
namespace-changed | target namespace changed | both | B | B | namespace {old} became {new}: every element is renamed
soap-action-changed | SOAPAction of an operation changed | operation | B | B | SOAPAction {old} became {new}
message-element-changed | request/response wrapper element renamed | both | B | B | the message element {old} became {new}
status-code-removed | response status code removed | response | B | B | status {name} is no longer documented
status-code-added | response status code added | response | PB | C | status {name} may now be returned
response-media-type-removed | response media type or body removed | response | B | B | response {name} is gone
request-media-type-removed | request media type or body removed | request | B | B | request body {name} is no longer accepted
request-body-became-required | request body optional to required | request | B | B | the request body {name} is now required
fault-removed | SOAP fault removed from an operation | response | B | B | fault {name} is no longer declared
request-parameter-added-required | required parameter added | request | B | B | new required parameter {name}: old requests lack it
request-parameter-added-optional | optional parameter added | request | C | C | new optional parameter {name}
request-parameter-removed | request parameter removed | request | PB | PB | parameter {name} is no longer read
request-parameter-became-required | parameter optional to required | request | B | B | parameter {name} is now required
response-header-removed | response header removed | response | PB | PB | response header {name} is no longer sent
request-field-added-required | required field added to a request | request | B | B | new required {name}: requests from old consumers lack it
request-field-added-optional | optional field added to a request | request | C | C | new optional {name}
request-field-removed | field removed from a request | request | B | PB | {name} is no longer accepted (closed models reject it; open ones ignore it)
request-field-became-required | request field optional to required | request | B | B | {name} is now required (minimum occurrences {old} -> {new})
request-field-became-optional | request field required to optional | request | C | C | {name} is now optional
response-field-removed | required field removed from a response | response | B | B | {name} was always present and is gone
response-field-removed-optional | optional field removed from a response | response | PB | PB | optional {name} is never sent any more
response-field-became-optional | response field required to optional | response | B | B | {name} may now be absent (minimum occurrences {old} -> {new})
response-field-became-required | response field optional to required | response | C | C | {name} is now always present
response-field-added | field added to a response | response | B | C | new {name}: a strict reader of a closed model rejects it, a tolerant reader ignores it
field-order-changed | order of elements in a sequence changed | both | B | C | {name}: sequence order changed ({old} -> {new})
max-occurs-reduced | maximum occurrences / maxItems reduced | request | B | B | {name} may occur at most {new} times (was {old})
max-occurs-increased | maximum occurrences / maxItems increased | response | B | PB | {name} may occur up to {new} times (was {old})
min-occurs-increased | minimum occurrences / minItems increased | request | B | B | {name} must occur at least {new} times (was {old})
min-occurs-decreased | minimum occurrences / minItems decreased | response | B | B | {name} may occur only {new} times (was {old})
choice-alternative-added | choice / oneOf / substitution alternative added | response | B | PB | {name}: new alternative {new}
choice-alternative-removed | choice / oneOf / substitution alternative removed | request | B | B | {name}: alternative {old} is gone
extension-point-removed | xs:any / additionalProperties closed | request | B | B | {name} no longer accepts unknown children
extension-point-added | xs:any / additionalProperties opened | response | B | C | {name} may now carry unknown children
type-changed | value type changed (incompatible) | both | B | B | {name}: type {old} became {new}
type-widened | value type widened (e.g. integer to number) | response | B | B | {name}: type {old} widened to {new}
type-narrowed | value type narrowed (e.g. number to integer) | request | B | B | {name}: type {old} narrowed to {new}
enum-value-removed | enumeration value removed | request | B | B | {name}: value(s) {old} no longer accepted
enum-value-added | enumeration value added (closed code list) | response | B | C | {name}: new value(s) {new} (breaks readers of a closed code list)
enum-introduced | free value became an enumeration | request | B | B | {name}: now restricted to {new}
enum-dropped | enumeration became a free value | response | B | PB | {name}: no longer restricted to a code list
pattern-added | pattern added | request | B | B | {name}: new pattern {new}
pattern-removed | pattern removed | response | B | PB | {name}: pattern {old} dropped
pattern-changed | pattern changed (breaking once a witness proves it) | both | PB | PB | {name}: pattern {old} became {new}
length-narrowed | minLength raised / maxLength lowered | request | B | B | {name}: length {old} narrowed to {new}
length-widened | minLength lowered / maxLength raised or dropped | response | B | PB | {name}: length {old} widened to {new}
range-narrowed | numeric range narrowed | request | B | B | {name}: range {old} narrowed to {new}
range-widened | numeric range widened | response | B | PB | {name}: range {old} widened to {new}
digits-narrowed | totalDigits/fractionDigits lowered | request | B | B | {name}: digits {old} narrowed to {new}
digits-widened | totalDigits/fractionDigits raised or dropped | response | B | PB | {name}: digits {old} widened to {new}
nullable-removed | value no longer nullable / nillable | request | B | B | {name} may no longer be null/nil
nullable-added | value became nullable / nillable | response | B | B | {name} may now be null/nil
default-changed | default value changed | both | PB | PB | {name}: default {old} became {new}
fixed-changed | fixed value changed | both | B | B | {name}: fixed value {old} became {new}
property-count-narrowed | minProperties raised / maxProperties lowered | request | B | B | {name}: number of properties {old} narrowed to {new}
property-count-widened | minProperties lowered / maxProperties raised or dropped | response | B | PB | {name}: number of properties {old} widened to {new}
unique-items-added | uniqueItems added | request | B | B | {name}: items must now be unique
unique-items-removed | uniqueItems dropped | response | B | PB | {name}: items may now repeat
schema-unsatisfiable | schema accepts no instance (false, allOf of disjoint types) | request | B | B | {name}: no value is valid any more
identity-constraint-added | xs:key / xs:keyref / xs:unique added or changed | request | B | B | {name}: new identity constraint {new}
identity-constraint-removed | xs:key / xs:keyref / xs:unique removed or changed | response | B | PB | {name}: identity constraint {old} no longer holds
wildcard-narrowed | xs:any namespace or processContents narrowed | request | B | B | {name}: wildcard {old} narrowed to {new}
wildcard-widened | xs:any namespace or processContents widened | response | B | C | {name}: wildcard {old} widened to {new}
wildcard-changed | xs:any namespace or processContents changed (neither wider nor narrower) | both | B | PB | {name}: wildcard {old} became {new}
keyword-not-compared | a keyword without a rule changed (see the keyword list) | both | PB | PB | {name} changed and is not compared ({old} -> {new}): breaking once a witness proves it
xf-field-kept | mapped field kept | cross-format | C | C | {name} is kept as {new}
xf-field-lost | field has no counterpart in the new version | cross-format | B | B | {name} has no counterpart in the new version
xf-field-gained | field only in the new version | cross-format | C | C | {new} is new in the new version
xf-field-changed | mapped field changed type or cardinality | cross-format | PB | PB | {name} maps to {new} but {old}
sampled-counterexample | an instance of one version is rejected by the other (no rule matched) | both | PB | PB | {name}: a generated instance is accepted by one version and rejected by the other
"""
_VERDICTS: dict[str, Verdict] = {"B": B, "PB": PB, "C": C}


def _parse(table: str) -> list[Rule]:
    out = []
    for line in table.strip().splitlines():
        rid, change, where, strict, tolerant, explanation = (cell.strip() for cell in line.split("|"))
        out.append(Rule(rid, change, where, _VERDICTS[strict], _VERDICTS[tolerant], explanation))
    return out


_RULES = _parse(_TABLE)

RULES: dict[str, Rule] = {r.id: r for r in _RULES}


def rule(rule_id: str) -> Rule:
    return RULES[rule_id]


def rules_markdown() -> str:
    """The rule table as Markdown (docs/compat-rules.md is exactly this)."""
    lines = [
        "# Compatibility rule catalogue",
        "",
        "Generated from `src/lefi_contracts/compat/rules.py` (a test fails if they drift).",
        "",
        "Direction: a **response** change breaks consumers when it removes or narrows (or, for a *strict*",
        "reader, adds what a closed model does not know); a **request** change breaks when it adds",
        "requirements or narrows what the provider accepts. Where a rule says *request*, the same change in",
        "a response is compatible, and the mirror-image rule applies (e.g. `range-narrowed` in a request,",
        "`range-widened` in a response). A bare XSD or JSON Schema is read as `--mode` says (below).",
        "",
        "Witness direction: for a request, an instance is generated from the OLD schema and must be rejected",
        "by the NEW one (an old consumer's request the new provider refuses); for a response, an instance is",
        "generated from the NEW schema and must be rejected by the OLD one (what the new provider sends that",
        "an old strict reader refuses).",
        "",
        f"{len(RULES)} rules.",
        "",
        "| rule id | what changed | where | strict reader | tolerant reader | explanation |",
        "|---|---|---|---|---|---|",
    ]
    for r in _RULES:
        lines.append(f"| `{r.id}` | {r.change} | {r.where} | {r.strict} | {r.tolerant} | {r.explanation} |")
    lines += ["", *_NOTES, "", *keyword_markdown()]
    return "\n".join(lines) + "\n"


def keyword_markdown() -> list[str]:
    """The keyword lists (keywords.py): which keyword is compared, an annotation, or not compared."""
    from lefi_contracts.compat.keywords import OPENAPI_FIELDS, SCHEMA_KEYWORDS

    def row(title: str, table: Mapping[str, str]) -> str:
        groups = {c: ", ".join(f"`{k}`" for k in sorted(table) if table[k] == c) for c in _CATEGORIES}
        return f"| {title} | " + " | ".join(groups[c] or "-" for c in _CATEGORIES) + " |"

    lines = [
        "## Keywords: compared, annotation, not compared",
        "",
        "Every keyword of JSON Schema draft 4 to 2020-12 and every field of the OpenAPI 3.0/3.1 objects is in",
        "one list (a test checks the meta-schemas). *Compared*: a rule above judges a change. *Annotation*: it",
        "cannot change which instances are valid. *Not compared*: a change of its value at the same place in",
        "both versions is `keyword-not-compared`, potentially breaking (breaking once a witness proves it), so",
        "`--fail-on potential` never passes over what was not judged; schema-valued ones (`not`, `if`,",
        "`patternProperties`...) are compared structurally, so renaming or inlining them is no change.",
        "Unknown keywords and `x-` extensions other than `x-extensible-enum` are annotations (validators ignore them).",
        "",
        "| object | compared | annotation | not compared |",
        "|---|---|---|---|",
        row("Schema Object (JSON Schema)", SCHEMA_KEYWORDS),
        *[row(f"OpenAPI {name}", fields) for name, fields in OPENAPI_FIELDS.items()],
    ]
    return lines


_CATEGORIES = ("compared", "annotation", "not compared")


_NOTES = [
    "## Modes (bare XSD and JSON Schema files)",
    "",
    "A bare schema has no operations, so nothing says who writes and who reads. `--mode` says it, with",
    "Confluent Schema Registry's names and meanings:",
    "",
    "- `backward`: the new schema must accept every document the old one allowed (old writer, new reader).",
    "  The document is judged as a *request*: removing an element, making one required, narrowing a length",
    "  or removing an enumeration value is breaking.",
    "- `forward`: the old schema must accept every document the new one allows (new writer, old reader).",
    "  The document is judged as a *response*: adding, widening and loosening is what breaks.",
    "- `full`: both; every change is judged in both directions.",
    "- `--transitive` (with one argument, a registry version): the version against every active (served,",
    "  not retired) earlier version, each in the mode given; the worst report sets the exit code.",
    "",
    "The default is `forward`: a LEFI schema describes what the provider sends, and the release gate asks",
    "whether every consumer built on the old schema still reads it. (Confluent's default is BACKWARD; say",
    "`--mode backward` for that question.) WSDL and OpenAPI contracts take the direction from each",
    "operation (requests backward, responses forward) whatever the mode; the mode in force is in the header",
    "of every output format (`mode: ...`).",
    "",
    "## How verdicts are decided",
    "",
    "Verdicts are decided in one place (`compat/verdicts.py`): the rule's verdict for the reader, mirrored",
    "for the other direction; then the evidence. `witness.py` only finds evidence.",
    "",
    "- **Reader profile** (`--reader strict|tolerant`, default tolerant): a strict reader validates what it",
    "  receives against the schema it was built for, so an element added to a closed XML sequence breaks it;",
    "  a tolerant reader ignores what it does not know. A JSON object without `additionalProperties: false`",
    "  is open: adding a property is compatible for both.",
    "- **Evidence**: every breaking finding, and every potentially breaking one where a rejection is breakage",
    "  (requests: the provider validates; responses: a strict reader), gets a witness search. A witness (an",
    "  instance one version accepts and the other rejects, decided by xmlschema / jsonschema) raises",
    "  *potentially breaking* to *breaking*. A breaking finding without a witness says why (no instance",
    "  witness for an operation-surface change, none found, budget exhausted, validator cannot apply).",
    "- `pattern-changed` and `keyword-not-compared` are potentially breaking until a witness proves them.",
    "- **Enum policy**: `default` treats response code lists as closed for strict readers and open for",
    "  tolerant ones; `open` / `closed` force it (`diff_models(..., enum_policy=...)`).",
    "- `request-field-removed` is breaking when the new model is closed (XML sequence, `additionalProperties:",
    "  false`), potentially breaking when it is open (the provider ignores the field).",
    "- `type` lists and `oneOf`/`anyOf` over several JSON types are compared as sets of types: `[object]` to",
    "  `[object, array]` is `type-widened` (compatible in a request, breaking in a response), and the common",
    "  object part is still compared. `allOf` of disjoint types (`false`) is `schema-unsatisfiable`.",
    "- OpenAPI `readOnly` properties are never required in a request, `writeOnly` never in a response (the",
    "  witness validator applies `required` the same way).",
    "- A shared type is compared once per direction: a change in it is reported at the shortest path that",
    "  reaches it (the walk is breadth first; recursion terminates the same way).",
    "- Field order: choice alternatives and substitution-group members have no order of their own, so only",
    "  the order of plain sequence members is compared. A JSON `additionalProperties` schema (a map) is",
    "  compared as the field `{*}` (its values, under any key).",
    "- Compatible message pairs are sampled (`samples`, default 20 instances, critical direction); a",
    "  rejection no rule explains becomes `sampled-counterexample` (breaking: its witness proves it).",
    "  Responses are not sampled for tolerant readers.",
    "- Invalid input is exit 2 with one line: a JSON Schema node its dialect's meta-schema rejects names the",
    "  file and the JSON pointer (`invalid schema at #/properties/n/type`).",
    "",
    "## XSD constructs",
    "",
    "- Identity constraints (`xs:key`, `xs:keyref`, `xs:unique`): compared as declared (kind, name, selector,",
    "  fields): added = `identity-constraint-added`, removed = `identity-constraint-removed`, changed = both.",
    "- `xs:any` / `xs:anyAttribute`: opened or closed is `extension-point-*`; otherwise namespace and",
    "  processContents are compared with xmlschema's own wildcard restriction test (`wildcard-narrowed`,",
    "  `-widened`, `-changed`). The content a wildcard admits is not read.",
    "- `xs:redefine`, `xs:override` (XSD 1.1: such schemas are read as 1.1) and chameleon includes (a",
    "  no-namespace schema included into a namespace): compared as xmlschema resolves them (the effective",
    "  components), so what a redefinition changes is found where the redefined type is used.",
    "- `nillable` is `nullable-added` / `-removed`; `fixed` is `fixed-changed`; `default` is `default-changed`.",
    "",
    "## Agreement with other tools, and deliberate differences",
    "",
    "Pairs built from their documentation (`tests/compat/agreement/*.yaml`, run by a test): Confluent's JSON",
    "Schema rules (BACKWARD, `--mode backward`) 49 of 54 agree; oasdiff's breaking-change checks (ERR =",
    "breaking, WARN = potentially breaking or breaking, INFO = compatible; tolerant reader) 32 of 34 agree.",
    "Every difference is a policy:",
    "",
    "- A property added to an open content model is compatible (Confluent: incompatible, since old data may",
    "  carry any value under that name); we follow oasdiff and OpenAPI practice.",
    "- A property removed from an open model is potentially breaking (Confluent: compatible): the new reader",
    "  silently drops data the old contract declared.",
    "- A changed `default` is potentially breaking (Confluent: compatible): readers assume it when absent.",
    "- `multipleOf` is not compared: any change is potentially breaking until a witness proves it.",
    "- A new enum value and a raised `maxLength` in a response are compatible / potentially breaking for the",
    "  default tolerant reader (oasdiff: WARN / ERR); `--reader strict` makes both breaking.",
    "",
    "## Waivers",
    "",
    "```yaml",
    "waivers:",
    "  - rule: response-field-removed      # a rule id, or *",
    "    path: 'hamtaFormansinformation*/formansinformation/x'   # glob over '<operation> <path>' or '<path>'",
    "    reason: retired by agreement with all consumers",
    "    reference: LEFI-123",
    "    expires: 2027-06-30               # after this date the finding counts again, with a note",
    "```",
    "",
    "## Not compared (reported as notes; a change in a not-compared keyword is a finding, see below)",
    "",
    "The content under xs:any / xs:anyAttribute, xs:anyType, XSD 1.1 assertions and alternatives, mixed",
    "content, xs:list item facets, external `$ref`s, schemas whose imports cannot be resolved (read",
    "leniently; unresolved components are skipped). Within `oneOf`/`anyOf` object alternatives, fields are",
    "merged (required only when every alternative requires them): a field made required in one alternative",
    "only is not reported by a rule (sampling and the overlapping-oneOf keyword finding cover it).",
]
