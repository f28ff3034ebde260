"""demos/02/nearest_neighbours.py: words of one class are each other's nearest neighbours."""
import numpy as np

CLASS_SIZE = {"cat": 4, "bread": 4, "kitchen": 4, "runs": 3, "red": 4}


def test_neighbours_share_the_query_class(run_with):
    for query, size in CLASS_SIZE.items():
        result = run_with("02/nearest_neighbours", query=query)
        assert result["query"] == query and query not in result["neighbours"]
        assert result["same_class_in_top3"] == min(3, size - 1), query
        sims = np.array(result["similarities"])
        assert np.all(np.diff(sims) <= 1e-12) and np.all(np.abs(sims) <= 1 + 1e-12), query


def test_dimension_control(run_with):
    result = run_with("02/nearest_neighbours", dims=3)
    assert len(result["neighbours"]) == 5


def test_figure_ranks_the_ten_nearest_words(cpython_run):
    outcome = cpython_run("02/nearest_neighbours")
    assert outcome["error"] is None, outcome["error"]
    result = outcome["result"]
    (figure,) = outcome["figures"]
    assert figure["usermeta"]["itt"]["kind"] == "bars"
    assert "'cat'" in figure["usermeta"]["itt"]["caption"]
    rows = figure["layer"][0]["data"]["values"]
    assert len(rows) == 10 and result["query"] not in [row["category"] for row in rows]
    assert [row["category"] for row in rows[:5]] == result["neighbours"]
    np.testing.assert_allclose([row["value"] for row in rows[:5]], result["similarities"],
                               rtol=1e-12, err_msg="bar heights = cosine similarities")
    heights = np.array([row["value"] for row in rows])
    assert np.all(np.diff(heights) <= 1e-12), "nearest first"
