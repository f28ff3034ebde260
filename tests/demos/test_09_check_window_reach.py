"""demos/09/check_window_reach.py: the exercise as shipped runs, and its blank answer fails."""


def test_exercise_runs_and_the_unfilled_answer_is_rejected(run_with):
    result = run_with("09/check_window_reach")
    assert result["correct"] is False
    assert "window" in result["hint"]
