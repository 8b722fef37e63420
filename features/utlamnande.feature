@utlamnande
Feature: Utlämnande: an answer discloses nothing that was not asked
  The query's period is "den period under vilken den önskade informationen tillkommit"; the groups it names, the
  aktör's entitlements and the person asked bound what an answer may carry. An answer that adds a payment from
  outside the period, a group not asked, another person or a later version's structure over-discloses personal
  data. The rules are lefi_contracts.oracles.disclosure (docs/rules.md), the same ones fuzzing checks.

  Scenario Outline: lefi_disclosure_within_period: only what came into being in the asked period, in version <version>
    Given a person with bostadsbidrag with several beloppsperioder
    When version <version> is asked for formansinformation FK:BOB and utbetalningar FK:BOB over the first month of its period
    Then the answer is delivered
    And nothing outside the asked period is delivered

    Examples:
      | version |
      | 5       |
      | 6       |
      | 7       |
      | 8       |
      | 9       |

  Scenario Outline: lefi_disclosure_only_asked_groups: only the groups asked carry data, in version <version>
    Given a person with bostadsbidrag with several beloppsperioder
    When version <version> is asked for ovrigInformation FK:GEPI
    Then the answer is delivered
    And only the groups asked carry data
    And a group reported OBEHORIG carries no data

    Examples:
      | version |
      | 5       |
      | 6       |
      | 7       |
      | 8       |
      | 9       |

  Scenario Outline: lefi_disclosure_person_asked: the answer concerns only the person asked, in version <version>
    Given a person with sjukpenning
    When version <version> is asked for formansinformation FK:SJP and ovrigInformation FK:GEPI
    Then the answer is delivered
    And the answer concerns only the person asked

    Examples:
      | version |
      | 5       |
      | 6       |
      | 7       |
      | 8       |
      | 9       |

  Scenario Outline: lefi_disclosure_no_later_structure: nothing of a later version, in version <version>
    Given a person with förebyggande sjukpenning decided after 2024-05-19
    When version <version> is asked for formansinformation FK:SJP FK:BOB
    Then nothing of a later version's structure is delivered
    And förebyggande sjukpenning decided after the cut-off is not delivered inside sjukpenning

    Examples:
      | version |
      | 5       |
      | 6       |
      | 7       |
      | 8       |
