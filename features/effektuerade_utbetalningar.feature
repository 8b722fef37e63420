@utbetalningar
Feature: Effektuerade utbetalningar add up
  The v9 contract on LefiUtbetalningUppgift: avdragsbelopp includes skattebelopp, the totals are the sums of the
  utbetalningsdetalj rows, and nettobelopp is bruttobelopp minus avdragsbelopp. Effected payments carry a beloppstyp
  on every detail in every version.

  Scenario Outline: The arithmetic of effected payments in version <version>
    Given a person with effected payments
    When version <version> is asked for the person's utbetalningar
    Then the answer is delivered
    And every utbetalningsuppgift adds up
    And every utbetalningsdetalj of the utbetalningsuppgifter carries a beloppstyp

    Examples:
      | version |
      | 5       |
      | 6       |
      | 7       |
      | 8       |
      | 9       |
