@behorighet @provider_state
Feature: Användarbehörighet 2 år (3 år för behörigheter före 2025-04-11)
  Release note 2025-04-11: "Användare är nu behöriga i 2 år istället för 3 år [...] Användarbehörigheter i LEFI
  Onlines e-tjänst kommer framöver att få en behörighet på 2 år". A handläggare whose behörighet has expired is
  refused (REST 403, SOAP fel ANVANDARE_OBEHORIG); one granted before 2025-04-11 keeps 3 years.

  Scenario Outline: A user granted after 2025-04-11, more than two years ago, in version <version>
    Given a person with sjukpenning
    And the handläggare is a user granted after 2025-04-11 more than two years ago
    When version <version> is asked for formansinformation FK:SJP
    Then the query is refused with <refusal>
    And no data is delivered

    Examples:
      | version | refusal            |
      | 5       | ANVANDARE_OBEHORIG |
      | 6       | ANVANDARE_OBEHORIG |
      | 7       | ANVANDARE_OBEHORIG |
      | 8       | ANVANDARE_OBEHORIG |
      | 9       | HTTP-403           |

  Scenario Outline: A user granted before 2025-04-11, more than two but less than three years ago, in version <version>
    Given a person with sjukpenning
    And the handläggare is a user granted before 2025-04-11 less than three years ago
    When version <version> is asked for formansinformation FK:SJP
    Then the answer is delivered

    Examples:
      | version |
      | 5       |
      | 6       |
      | 7       |
      | 8       |
      | 9       |
