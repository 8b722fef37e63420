@felsvar
Feature: Error answers carry no personal or organisation numbers
  The v9 contract on LefiFelsvar.meddelande: "Beskrivningen får inte innehålla känsliga uppgifter, såsom person- eller
  organisationsnummer." The SOAP faults (faultstring and fel meddelande) follow the same rule.

  Scenario Outline: The refusal of <mistake> in version <version> names nobody
    Given a person with sjukpenning
    When version <version> is asked for <mistake>
    Then the query is refused
    And the refusal names no personnummer or organisationsnummer

    Examples:
      | version | mistake                                               |
      | 5       | no group at all                                       |
      | 6       | no group at all                                       |
      | 7       | no group at all                                       |
      | 8       | no group at all                                       |
      | 9       | no group at all                                       |
      | 5       | formansinformation FK:SJP over two years and one day  |
      | 7       | formansinformation FK:SJP over two years and one day  |
      | 8       | formansinformation FK:SJP over two years and one day  |
      | 9       | formansinformation FK:SJP over two years and one day  |
