@preliminara_utbetalningar
Feature: Klassificering av preliminära utbetalningar
  Release note 2024-02-16: "förmåner vara associerade med delförmåner enligt följande struktur" and "många
  preliminära utbetalningar associeras med en beloppstyp". "Dessa förändringar påverkar inte de som nyttjar aktuella
  versioner av system-till-systemgränssnittet. Dock kommer de att inkluderas i nästa version [...] version 8".
  From version 8 formansfamilj is the förmån, each utbetalningsdetalj's forman is the delförmån and carries a
  beloppstyp; versions 5-7 keep the old förmånsfamilj/förmån and their preliminary detail has no beloppstyp.

  Scenario Outline: Förmån <forman> with delförmån <delforman> in version <version>
    Given a person with preliminära utbetalningar of förmån <forman> and delförmån <delforman>
    When version <version> is asked for the person's preliminära utbetalningar
    Then the answer is delivered
    And a preliminary payment has formansfamilj <forman> with utbetalningsdetalj forman <delforman>
    And every utbetalningsdetalj of the preliminary payments carries a beloppstyp of version <version>

    # Etableringsjobb (ETAB/EJOB) is asked for with FK:EJO, a group only version 9 serves (contracts/codes/formansgrupper.yaml).
    Examples:
      | version | forman | delforman |
      | 8       | BOB    | BOB       |
      | 8       | DAG    | AKS       |
      | 8       | DAG    | AMP       |
      | 8       | DAG    | DBOB      |
      | 8       | DAG    | FP        |
      | 8       | DAG    | SJP       |
      | 8       | DAG    | TFP       |
      | 9       | BOB    | BOB       |
      | 9       | DAG    | AKS       |
      | 9       | DAG    | AMP       |
      | 9       | DAG    | DBOB      |
      | 9       | DAG    | FP        |
      | 9       | DAG    | SJP       |
      | 9       | DAG    | TFP       |
      | 9       | ETAB   | EJOB      |

  Scenario Outline: The old classification of förmån <forman>/<delforman> in version <version>
    Given a person with preliminära utbetalningar of förmån <forman> and delförmån <delforman>
    When version <version> is asked for the person's preliminära utbetalningar
    Then the answer is delivered
    And a preliminary payment has formansfamilj <formansfamilj> with utbetalningsdetalj forman <old_forman>
    And no utbetalningsdetalj of the preliminary payments carries a beloppstyp

    # Etableringsjobb (FK:EJO) cannot be asked for before version 9.
    Examples:
      | version | forman | delforman | formansfamilj | old_forman |
      | 5       | BOB    | BOB       | BOB           | BOB        |
      | 5       | DAG    | AKS       | AKS           | AKS        |
      | 5       | DAG    | AMP       | PROG          | AMP        |
      | 5       | DAG    | DBOB      | BOB           | DBOB       |
      | 5       | DAG    | FP        | FP            | FP         |
      | 5       | DAG    | SJP       | DAG           | SJP        |
      | 5       | DAG    | TFP       | TFP           | TFP        |
      | 6       | BOB    | BOB       | BOB           | BOB        |
      | 6       | DAG    | AKS       | AKS           | AKS        |
      | 6       | DAG    | AMP       | PROG          | AMP        |
      | 6       | DAG    | DBOB      | BOB           | DBOB       |
      | 6       | DAG    | FP        | FP            | FP         |
      | 6       | DAG    | SJP       | DAG           | SJP        |
      | 6       | DAG    | TFP       | TFP           | TFP        |
      | 7       | BOB    | BOB       | BOB           | BOB        |
      | 7       | DAG    | AKS       | AKS           | AKS        |
      | 7       | DAG    | AMP       | PROG          | AMP        |
      | 7       | DAG    | DBOB      | BOB           | DBOB       |
      | 7       | DAG    | FP        | FP            | FP         |
      | 7       | DAG    | SJP       | DAG           | SJP        |
      | 7       | DAG    | TFP       | TFP           | TFP        |
