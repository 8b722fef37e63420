@fragevillkor
Feature: Frågevillkor: the whole query is refused when it breaks a rule
  The v9 contract: "Anges ingen förmånsgrupp eller typ av övrig information i frågan underkänns hela anropet med
  statuskod 400", a period longer than two years is refused with 400, and "Om en aktör som anroparen inte har rätt att
  representera, eller som är okänd, är specificerad i anropet underkänns det med statuskod 403." The SOAP versions
  refuse the same queries with a SOAP Fault whose fel kod names the rule.

  Scenario Outline: A query that names no group at all in version <version>
    Given a person with sjukpenning
    When version <version> is asked for no group at all
    Then the query is refused with <refusal>
    And no data is delivered

    Examples:
      | version | refusal          |
      | 5       | FELAKTIGA_INDATA |
      | 6       | FELAKTIGA_INDATA |
      | 7       | FELAKTIGA_INDATA |
      | 8       | FELAKTIGA_INDATA |
      | 9       | HTTP-400         |

  Scenario Outline: A period longer than two years in version <version>
    Given a person with sjukpenning
    When version <version> is asked for formansinformation FK:SJP over two years and one day
    Then the query is refused with <refusal>
    And no data is delivered

    Examples:
      | version | refusal          |
      | 5       | FELAKTIGA_INDATA |
      | 6       | FELAKTIGA_INDATA |
      | 7       | FELAKTIGA_INDATA |
      | 8       | FELAKTIGA_INDATA |
      | 9       | HTTP-400         |

  Scenario Outline: An unknown aktör in version <version>
    Given a person with sjukpenning
    And the caller names an unknown aktör
    When version <version> is asked for formansinformation FK:SJP
    Then the query is refused with <refusal>
    And no data is delivered

    Examples:
      | version | refusal     |
      | 5       | OKAND_AKTOR |
      | 6       | OKAND_AKTOR |
      | 7       | OKAND_AKTOR |
      | 8       | OKAND_AKTOR |
      | 9       | HTTP-403    |
