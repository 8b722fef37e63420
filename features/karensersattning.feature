@karensersattning
Feature: Karensersättning redovisas som utbetalning av sjukpenning
  Release note 2020-04-02: "I LEFI Online/LEFI Prenumeration kommer ersättningen att redovisas som utbetalning av
  sjukpenning, dvs sjukpennings ordinarie beloppstyper kommer användas", stored in utbetalningshistoriken "men INTE i
  ärendehistoriken". Every version delivers it only as sjukpenning payments, never as an ärende or a beslut.

  Scenario Outline: Karensersättning in version <version>
    Given a person with karensersättning
    When version <version> is asked for formansinformation FK:SJP and utbetalningar FK:SJP
    Then the answer is delivered
    And the karensersättning is delivered as sjukpenning payments
    And no sjukpenningärende or beslut is delivered for the karensersättning

    Examples:
      | version |
      | 5       |
      | 6       |
      | 7       |
      | 8       |
      | 9       |
