@forebyggande_sjukpenning
Feature: Förebyggande sjukpenning
  Release note 2024: "Förebyggande sjukpenning förmedlas i nuvarande system hos sjukförsäkringen som en del av
  sjukpenning. I det nya systemet kommer förebyggande sjukpenning att hanteras som en egen förmånsmängd [...] vilket
  innebär att informationen inte längre kommer finnas tillgänglig i tidigare versioner (versionerna 5, 6 och 7)".
  Versions 5-7 carry it inside sjukpenningarende only for beslut fattade up to 2024-05-19, never after;
  from version 8 it is its own set forebyggandeSjukpenningsarende (group FK:FSJP), all of it.

  Scenario Outline: Förebyggande sjukpenning decided after 2024-05-19 in version <version>
    Given a person with förebyggande sjukpenning decided after 2024-05-19
    When version <version> is asked for formansinformation <groups>
    Then the answer is delivered
    And förebyggande sjukpenning decided after 2024-05-19 is <inside> inside sjukpenningarende
    And the förebyggande sjukpenning decided after 2024-05-19 is <own_set> in forebyggandeSjukpenningsarende

    Examples:
      | version | groups         | inside | own_set |
      | 5       | FK:SJP         | absent | absent  |
      | 6       | FK:SJP         | absent | absent  |
      | 7       | FK:SJP         | absent | absent  |
      | 8       | FK:SJP FK:FSJP | absent | present |
      | 9       | FK:SJP FK:FSJP | absent | present |

  Scenario Outline: Förebyggande sjukpenning decided on or before 2024-05-19 in version <version>
    Given a person with förebyggande sjukpenning decided before 2024-05-19
    When version <version> is asked for formansinformation <groups>
    Then the answer is delivered
    And förebyggande sjukpenning is <inside> inside sjukpenningarende
    And förebyggande sjukpenning is <own_set> in forebyggandeSjukpenningsarende

    Examples:
      | version | groups         | inside  | own_set |
      | 5       | FK:SJP         | present | absent  |
      | 6       | FK:SJP         | present | absent  |
      | 7       | FK:SJP         | present | absent  |
      | 8       | FK:SJP FK:FSJP | absent  | present |
      | 9       | FK:SJP FK:FSJP | absent  | present |
