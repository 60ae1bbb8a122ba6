from mubiao.domain.names import names_listed


def test_a_few_names_are_listed_whole() -> None:
    assert names_listed(["柳东", "北部", "鱼峰"]) == "柳东、北部、鱼峰"


def test_a_long_list_stops_after_the_first_names_and_says_how_many_in_all() -> None:
    names = [f"单位{n}" for n in range(1, 3001)]

    assert names_listed(names, most=2) == "单位1、单位2…等3000个"
    assert names_listed(names, most=2, more=" … {count} in all") == "单位1、单位2 … 3000 in all"
