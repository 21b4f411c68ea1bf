"""MK01x: problems with mergelint's own inline suppression comments.

The selection stage reports these after it has applied the comments; the class here
carries the code, name and documentation.
"""

from mergelint.diagnostics import Severity
from mergelint.engine import Rule
from mergelint.rules.input import ALL_KINDS


class UnusedSuppression(Rule):
    """A `# mergelint: disable=...` comment that suppresses nothing.

    ## What it checks
    Every rule named in a `# mergelint: disable=CODE` or `# mergelint: disable-file`
    comment must have suppressed at least one finding. A name that suppressed nothing
    is reported at its position in the comment: the finding it was written for is
    gone, sits on another line, or has another code. Comments that mergelint cannot
    read are reported too: an unknown code or name, a `disable` without `=CODE`, and
    a `disable-file` below the first 10 lines.

    ## Why it matters
    A stale suppression hides the next real problem on that line without anyone
    noticing, and a misspelt one never worked at all.

    ## Failing example
    ```yaml
    merge_method: linear
    models:
      - model: org/model-a  # mergelint: disable=unknown-key -- old typo, fixed since
        parameters:
          weight: 1.0
    ```

    ## Corrected example
    ```yaml
    merge_method: linear
    models:
      - model: org/model-a
        parameters:
          weight: 1.0
    ```

    ## Fix safety
    No automatic fix: removing a comment is easy, but only the author knows whether
    it should have matched a finding that mergelint no longer reports.
    """

    code = "MK010"
    name = "unused-suppression"
    severity = Severity.WARNING
    kinds = ALL_KINDS
