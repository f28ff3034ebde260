"""demos/09/check_which_change.py: the exercise as shipped (with its TODO) runs, not correct."""


def test_exercise_runs_and_the_unfilled_answer_is_rejected(run_with):
    result = run_with("09/check_which_change")
    assert result["correct"] is False
