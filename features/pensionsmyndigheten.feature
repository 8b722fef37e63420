@pensionsmyndigheten
Feature: Pensionsmyndighetens information i egen struktur
  Version 9 (2025-03-17) carries Pensionsmyndigheten's data "strukturerade enligt Pensionsmyndighetens
  informationsmodell" in the answer's own ansprak, beslut, preliminaraUtbetalningar, utbetalningar and
  ovrigInformation, while Försäkringskassan's keeps "den struktur den haft i tidigare versioner" under
  formansinformation. Versions 5-8 have no PM groups in their contracts at all (the contract scenarios hold them to it).

  Scenario Outline: Allmän pension from Pensionsmyndigheten in version <version>
    Given a person with allmän pension from Pensionsmyndigheten
    When version <version> is asked for ansprak PM:AP and beslut PM:AP and utbetalningar PM:AP
    Then the answer is delivered
    And Pensionsmyndigheten's ansprak, beslut and utbetalningar are delivered in its own structure
    And no Pensionsmyndigheten data is delivered under formansinformation

    Examples:
      | version |
      | 9       |
