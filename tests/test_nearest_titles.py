"""Nearest-name suggestions share the asked name's distinctive words, not just 的决定 or 中华人民共和国."""

from falv.law.resolve import resolver_for


def test_suggestions_need_distinctive_words_in_common(store):
    res = resolver_for(store)
    assert res.nearest_titles("个人信息保户法") == ["中华人民共和国个人信息保护法"]
    # the 2012 决定 is not in the base store; 关于修改…的决定 titles share only generic words with it
    near = res.nearest_titles("全国人民代表大会常务委员会关于加强网络信息保护的决定", n=5)
    assert not [t for t in near if "修改" in t]
