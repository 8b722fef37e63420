@obehorig
Feature: Avvikelse OBEHORIG for a group the aktör may not read
  The v9 contract: a group the caller is not entitled to is answered with an avvikelse (kod OBEHORIG) and no data
  for it; the rest of the query is delivered. The SOAP versions report the same avvikelse in their answer.

  Scenario Outline: Bostadsbidrag asked by an aktör without right to it in version <version>
    Given a person with bostadsbidrag with several beloppsperioder
    And the caller is an aktör not entitled to FK:BOB
    When version <version> is asked for formansinformation FK:BOB and ovrigInformation FK:GEPI
    Then the answer is delivered
    And FK:BOB is reported as an avvikelse OBEHORIG
    And formansinformation has no bostadsbidragsarende
    And formansinformation has generellPersoninformation

    Examples:
      | version |
      | 5       |
      | 6       |
      | 7       |
      | 8       |
      | 9       |
