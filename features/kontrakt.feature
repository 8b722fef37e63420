@kontrakt
Feature: Every answer holds to its version's contract
  Each interface version has its own contract (XSD/WSDL for 5-8, OpenAPI for 9). Every answer of a version, data or
  refusal, must be valid against that version's contract: namespace, required elements, element order, types and
  code lists. This also holds versions 5-8 to having no Pensionsmyndigheten data and no element they lack.

  Scenario Outline: Answers about the catalogue's test persons in version <version>
    When version <version> is asked, for every test person, for every group and type of information it serves
    And version <version> is asked for the information types available to the aktör
    Then every answer is valid against the contract of version <version>

    Examples:
      | version |
      | 5       |
      | 6       |
      | 7       |
      | 8       |
      | 9       |
