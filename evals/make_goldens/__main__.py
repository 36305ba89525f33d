"""`python -m claimflow.evals.make_goldens`: write the generated golden cases and the schema."""

from claimflow.evals.make_goldens import main

main()
