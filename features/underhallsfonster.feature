@underhall
Feature: Underhållsfönster
  Release note 2025-03-14: "I samband med driftsättningen kommer LEFI Online ligga nere mellan 08.00 och 13.00. Det
  innebär att man inte kan skicka frågor eller att få socialförsäkringsinformation utlämnad under den tiden". Inside a
  maintenance window every version answers "unavailable" (REST 503, SOAP Fault with HTTP 503 and fel OTILLGANGLIG,
  with Retry-After) and nothing else.

  @test_control
  Scenario Outline: A query during the deployment of version 9 on 2025-03-17 in version <version>
    Given a person with sjukpenning
    And the target's clock is 2025-03-17 10:30 inside the maintenance window 08:00-13:00
    When version <version> is asked for formansinformation FK:SJP
    Then the target answers unavailable with <status> and a Retry-After
    And no data is delivered

    Examples:
      | version | status                |
      | 5       | HTTP-503 OTILLGANGLIG |
      | 6       | HTTP-503 OTILLGANGLIG |
      | 7       | HTTP-503 OTILLGANGLIG |
      | 8       | HTTP-503 OTILLGANGLIG |
      | 9       | HTTP-503              |
