@utlamnare
Feature: Utlämnarnas tillstånd
  Every answer names the agencies (utlämnare) it concerns with their tillstånd OK, FELANDE or OTILLGANGLIG.
  An agency that is not OK contributes no data and no avvikelser (v9 contract: "Endast utlämnare med tillståndet OK
  bidrar med data").

  Scenario Outline: Försäkringskassan answers with tillstånd OK in version <version>
    Given a person with sjukpenning
    When version <version> is asked for formansinformation FK:SJP
    Then the answer is delivered
    And the utlämnare FK is reported in tillstånd OK

    Examples:
      | version |
      | 5       |
      | 6       |
      | 7       |
      | 8       |
      | 9       |

  @test_control
  Scenario Outline: An agency in tillstånd <tillstand> in version <version>
    Given a person with <person>
    And the utlämnare <agency> is in tillstånd <tillstand>
    When version <version> is asked for <request>
    Then the answer is delivered
    And the utlämnare <agency> is reported in tillstånd <tillstand>
    And the utlämnare <agency> contributes no data and no avvikelser

    Examples:
      | version | agency | tillstand    | person                                  | request                           |
      | 5       | FK     | FELANDE      | sjukpenning                             | formansinformation FK:SJP         |
      | 6       | FK     | FELANDE      | sjukpenning                             | formansinformation FK:SJP         |
      | 7       | FK     | FELANDE      | sjukpenning                             | formansinformation FK:SJP         |
      | 8       | FK     | OTILLGANGLIG | sjukpenning                             | formansinformation FK:SJP         |
      | 9       | FK     | FELANDE      | sjukpenning                             | formansinformation FK:SJP         |
      | 9       | PM     | OTILLGANGLIG | allmän pension from Pensionsmyndigheten | ansprak PM:AP and utbetalningar PM:AP |
