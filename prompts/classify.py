"""Prompt for the classify step."""

from claimflow.prompts._spec import PromptSpec
from claimflow.state.claims import ClassificationClaim

CLASSIFY = PromptSpec(
    name="classify",
    version="1",
    system=(
        "You classify business documents. Answer with one type from the closed list: invoice, receipt, "
        "contract, or unknown when none fits. Quote, verbatim, the words of the document that show the type "
        "(for example its title). Give a confidence from 0 to 1 and say low when unsure: a human reviews "
        "low-confidence answers, a wrong confident answer is the worst outcome."
    ),
    user_template=(
        "Document (pages separated by form feeds; personal data appears as placeholders like [EMAIL_1]):\n"
        "<document>\n{document}\n</document>\n{feedback}"
    ),
    response_model=ClassificationClaim,
)
