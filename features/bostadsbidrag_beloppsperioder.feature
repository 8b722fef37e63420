@bostadsbidrag
Feature: Alla beloppsperioder i bostadsbidrag
  Release note 2024-09-25: "Efter rättning den 19 september 2024 kommer alla beloppsperioder att presenteras. Det kan
  förekomma flera beslut tillhörande de olika beloppsperioder i förmånsinformationen." Every version delivers every
  beloppsperiod of a bostadsbidrag ärende, each as its own beslut.

  Scenario Outline: Every beloppsperiod of a bostadsbidrag ärende in version <version>
    Given a person with bostadsbidrag with several beloppsperioder
    When version <version> is asked for formansinformation FK:BOB
    Then the answer is delivered
    And every beloppsperiod of the bostadsbidrag is delivered as its own beslut

    Examples:
      | version |
      | 5       |
      | 6       |
      | 7       |
      | 8       |
      | 9       |
