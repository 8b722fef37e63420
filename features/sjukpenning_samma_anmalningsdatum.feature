@sjukpenning
Feature: Flera sjukpenningärenden med samma anmälningsdatum
  Release note 2024-09-25: "Efter rättning 7–8 september 2024 kan det förekomma fler ärenden med samma
  anmälningsdatum. Anledningen är att kunna presentera alla beslut som tillhör ett ärende med samma period och
  anmälningsdatum." Every version delivers each such ärende, none merged into another.

  Scenario Outline: Sjukpenningärenden sharing an anmälningsdatum in version <version>
    Given a person with several sjukpenningärenden with the same anmälningsdatum
    When version <version> is asked for formansinformation FK:SJP
    Then the answer is delivered
    And every sjukpenningärende of the person with that anmälningsdatum is delivered separately
    And every beslut of those ärenden is delivered

    Examples:
      | version |
      | 5       |
      | 6       |
      | 7       |
      | 8       |
      | 9       |
