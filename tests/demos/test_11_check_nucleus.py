"""demos/11/check_nucleus.py: the exercise as shipped (with its TODO) runs and is not correct."""


def test_exercise_runs_and_the_unfilled_answer_is_rejected(run_with):
    result = run_with("11/check_nucleus")
    assert result["correct"] is False
    assert "unfiltered" in result["hint"]
