from __future__ import annotations

import textwrap

import pytest
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from karpmigrate.io.documents import split_documents
from karpmigrate.io.paths import comment_above, get, move, pop, rename_key, set_
from karpmigrate.io.yaml import dump_document, parse_document


def _parse(text: str):
    return parse_document(split_documents(textwrap.dedent(text))[0], "f.yaml")


def _edit(text: str, edit) -> str:
    parsed = _parse(text)
    edit(parsed.tree)
    return dump_document(parsed)


BASE = """\
    # pool header
    apiVersion: karpenter.sh/v1beta1
    kind: NodePool
    spec:
      template:
        spec:
          nodeClassRef:
            apiVersion: karpenter.k8s.aws/v1beta1   # old field
            name: a
          requirements:
          - key: k
            values: ["x"]
      disruption:
        consolidationPolicy: WhenEmpty
        # nodes live two weeks
        expireAfter: 336h  # two weeks
        budgets:
        - nodes: 10%

    # about status
    status: {}
    """


def test_get():
    tree = _parse(BASE).tree
    assert get(tree, ("spec", "disruption", "expireAfter")) == "336h"
    assert get(tree, ("spec", "template", "spec", "requirements", 0, "values", 0)) == "x"
    assert get(tree, ("spec", "template", "spec", "requirements", -1, "key")) == "k"
    assert get(tree, ("spec", "nope", "x"), "default") == "default"
    assert get(tree, ("spec", "template", "spec", "requirements", 3)) is None
    assert get(tree, ("kind", "x")) is None
    assert get(tree, ("spec", "template", "spec", "requirements", "key")) is None


def test_set_existing_value_in_place_keeps_comment():
    out = _edit(BASE, lambda t: set_(t, ("spec", "disruption", "expireAfter"), "720h"))
    assert out == textwrap.dedent(BASE).replace("336h  # two weeks", "720h  # two weeks")


def test_set_new_key_goes_at_the_end_before_the_trailing_comment():
    out = _edit(BASE, lambda t: set_(t, ("spec", "disruption", "consolidateAfter"), "0s"))
    assert out == textwrap.dedent(BASE).replace(
        "    - nodes: 10%\n", "    - nodes: 10%\n    consolidateAfter: 0s\n"
    )


def test_set_creates_missing_mappings():
    out = _edit(BASE, lambda t: set_(t, ("spec", "limits", "cpu"), 100))
    assert out == textwrap.dedent(BASE).replace(
        "    - nodes: 10%\n", "    - nodes: 10%\n  limits:\n    cpu: 100\n"
    )


def test_set_sequence_items():
    def edit(tree):
        set_(tree, ("spec", "template", "spec", "requirements", 0, "values", 0), "y")
        set_(tree, ("spec", "template", "spec", "requirements", 0, "values", 1), "z")

    out = _edit(BASE, edit)
    assert out == textwrap.dedent(BASE).replace('values: ["x"]', 'values: ["y", "z"]')
    with pytest.raises(KeyError):
        set_(_parse(BASE).tree, ("spec", "template", "spec", "requirements", 5), "x")
    with pytest.raises(KeyError):
        set_(_parse(BASE).tree, ("kind", "x"), 1)


def test_set_in_a_json_document_quotes_the_new_key():
    out = _edit('{"a": {"b": 1}}\n', lambda t: set_(t, ("a", "c"), "x"))
    assert out == '{"a": {"b": 1, "c": "x"}}\n'


def test_pop_keeps_the_comments_around():
    out_tree = _parse(BASE)
    value = pop(out_tree.tree, ("spec", "disruption", "expireAfter"))
    assert value == "336h"
    assert dump_document(out_tree) == textwrap.dedent(BASE).replace(
        "    expireAfter: 336h  # two weeks\n", ""
    )


def test_pop_last_entry_keeps_the_following_comment():
    out = _edit(BASE, lambda t: pop(t, ("spec", "disruption", "budgets")))
    assert out == textwrap.dedent(BASE).replace("    budgets:\n    - nodes: 10%\n", "")
    assert "\n# about status\nstatus: {}\n" in out


def test_pop_first_entry_keeps_the_following_comment():
    text = """\
    a:
      x: 1
      # about y
      y: 2
    """
    out = _edit(text, lambda t: pop(t, ("a", "x")))
    assert out == "a:\n  # about y\n  y: 2\n"


def test_pop_missing_raises():
    with pytest.raises(KeyError):
        pop(_parse(BASE).tree, ("spec", "nope"))
    with pytest.raises(ValueError, match="root"):
        pop(_parse(BASE).tree, ())


def test_rename_key_in_place_keeps_comment_and_position():
    def edit(tree):
        ref = get(tree, ("spec", "template", "spec", "nodeClassRef"))
        rename_key(ref, "apiVersion", "group")
        ref["group"] = "karpenter.k8s.aws"

    out = _edit(BASE, edit)
    # The rename keeps the comment's distance; the shorter value leaves it at its column, as ruamel
    # does for every value edit (aligned comment blocks stay aligned).
    assert out == textwrap.dedent(BASE).replace(
        "apiVersion: karpenter.k8s.aws/v1beta1   # old field",
        "group: karpenter.k8s.aws" + " " * 11 + "# old field",
    )


def test_pure_rename_keeps_the_comment_gap():
    out = _edit(
        "spec:\n  apiVersion: x   # c\n  b: 1\n", lambda t: rename_key(t["spec"], "apiVersion", "group")
    )
    assert out == "spec:\n  group: x   # c\n  b: 1\n"


def test_rename_key_keeps_key_quoting():
    out = _edit('"a": 1\n"b": 2\n', lambda t: rename_key(t, "a", "c"))
    assert out == '"c": 1\n"b": 2\n'


def test_rename_key_to_an_existing_key_is_refused():
    with pytest.raises(ValueError, match="exists"):
        rename_key(_parse(BASE).tree, "kind", "apiVersion")


def test_move_carries_the_comments_and_goes_at_the_end():
    out = _edit(
        BASE,
        lambda t: move(t, ("spec", "disruption", "expireAfter"), ("spec", "template", "spec", "expireAfter")),
    )
    assert out == textwrap.dedent(
        """\
        # pool header
        apiVersion: karpenter.sh/v1beta1
        kind: NodePool
        spec:
          template:
            spec:
              nodeClassRef:
                apiVersion: karpenter.k8s.aws/v1beta1   # old field
                name: a
              requirements:
              - key: k
                values: ["x"]
              # nodes live two weeks
              expireAfter: 336h  # two weeks
          disruption:
            consolidationPolicy: WhenEmpty
            budgets:
            - nodes: 10%

        # about status
        status: {}
        """
    )


def test_move_to_an_existing_destination_is_refused():
    with pytest.raises(ValueError, match="exists"):
        move(_parse(BASE).tree, ("kind",), ("apiVersion",))


def test_set_a_new_collection_value():
    def edit(tree):
        term = CommentedMap()
        term["alias"] = "al2@latest"
        set_(tree, ("spec", "amiSelectorTerms"), CommentedSeq([term]))

    out = _edit("spec:\n  role: r\n# end\n", edit)
    assert out == "spec:\n  role: r\n  amiSelectorTerms:\n  - alias: al2@latest\n# end\n"


def test_move_into_a_new_mapping():
    text = """\
    a:
      x: 1  # eol x
      y: 2
    b: 3
    """
    out = _edit(text, lambda t: move(t, ("a", "x"), ("c", "d", "x")))
    assert out == "a:\n  y: 2\nb: 3\nc:\n  d:\n    x: 1 # eol x\n"


COMMENTED = """\
    spec:
      # first key
      a: 1
      list:
        - key: k
          values: ["x"]
      # about b, line 1
      # about b, line 2
      b:
        c: 2

      # after a blank line
      d: 3
    """


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (("spec", "a"), "  # first key\n"),
        # After a flow list ruamel parks the lines in the block sequence's end slot.
        (("spec", "b"), "  # about b, line 1\n  # about b, line 2\n"),
        (("spec", "d"), "  # after a blank line\n"),
        (("spec", "list"), ""),
    ],
)
def test_comment_above(path, expected):
    tree = _parse(COMMENTED).tree
    assert comment_above(tree, path) == expected
    # Reading is read-only.
    assert dump_document(parsed := _parse(COMMENTED)) == textwrap.dedent(COMMENTED)
    comment_above(parsed.tree, path)
    assert dump_document(parsed) == textwrap.dedent(COMMENTED)


def test_comment_above_missing_key_raises():
    with pytest.raises(KeyError):
        comment_above(_parse(COMMENTED).tree, ("spec", "nope"))


def test_pop_without_comment_leaves_it_above_the_next_key():
    out = _edit(COMMENTED, lambda t: pop(t, ("spec", "b")))
    assert '      values: ["x"]\n  # about b, line 1\n  # about b, line 2\n\n  # after' in out


def test_pop_with_comment_removes_the_block_above_only():
    out = _edit(COMMENTED, lambda t: pop(t, ("spec", "b"), with_comment=True))
    assert out == textwrap.dedent(COMMENTED).replace(
        "  # about b, line 1\n  # about b, line 2\n  b:\n    c: 2\n", ""
    )


def test_pop_first_key_with_comment():
    out = _edit(COMMENTED, lambda t: pop(t, ("spec", "a"), with_comment=True))
    assert out == textwrap.dedent(COMMENTED).replace("  # first key\n  a: 1\n", "")


def test_set_with_comment_above_a_new_key_reindents_it():
    def edit(tree):
        kubelet = pop(tree, ("spec", "b"), with_comment=True)
        set_(tree, ("top",), kubelet, above="  # about b, line 1\n")

    out = _edit(COMMENTED, edit)
    assert out.endswith("  d: 3\n# about b, line 1\ntop:\n  c: 2\n")


# ---------------------------------------------------------------- comments after a flow collection

# ruamel keeps the comment lines between a flow collection and the next key on that key (slot 1): they
# must travel with the key, or stay in front of what follows it, never vanish.
AFTER_FLOW = """\
    spec:
      requirements: [{key: k, operator: In, values: [a]}]
      # Kubelet settings
      kubelet:
        maxPods: 20
      weight: 1
    """


def test_comment_above_reads_the_lines_after_a_flow_collection():
    assert comment_above(_parse(AFTER_FLOW).tree, ("spec", "kubelet")) == "  # Kubelet settings\n"


def test_pop_with_comment_takes_the_lines_after_a_flow_collection():
    out = _edit(AFTER_FLOW, lambda t: pop(t, ("spec", "kubelet"), with_comment=True))
    assert "Kubelet settings" not in out and "weight: 1" in out


def test_pop_keeps_the_lines_after_a_flow_collection_before_the_next_key():
    out = _edit(AFTER_FLOW, lambda t: pop(t, ("spec", "kubelet")))
    assert out.endswith("  # Kubelet settings\n  weight: 1\n"), out


def test_move_carries_the_lines_after_a_flow_collection():
    out = _edit(AFTER_FLOW, lambda t: move(t, ("spec", "kubelet"), ("kubelet",)))
    assert out.endswith("# Kubelet settings\nkubelet:\n  maxPods: 20\n"), out
