@versioner
Feature: An interface version that is not served is refused clearly
  The target serves the versions of contracts/versions.yaml that are not retired, each at its own path. A request for
  any other version gets a clear refusal naming the versions that are served, never another version's answer.

  Scenario Outline: Asking for interface version <number>
    When interface version <number> is asked for
    Then the request is refused with a message naming the served versions

    Examples:
      | number |
      | 4      |
      | 10     |
