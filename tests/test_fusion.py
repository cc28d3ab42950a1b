from assistant.retrieval.fusion import reciprocal_rank_fusion


def test_items_in_both_rankings_win() -> None:
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["c", "a", "d"]], k=60)
    assert [item for item, _ in fused] == ["a", "c", "b", "d"]
    assert abs(fused[0][1] - (1 / 61 + 1 / 62)) < 1e-12


def test_ties_follow_the_first_ranking_not_the_id() -> None:
    fused = reciprocal_rank_fusion([["zeta", "alpha"], ["alpha", "zeta"]])
    assert [item for item, _ in fused] == ["zeta", "alpha"]
