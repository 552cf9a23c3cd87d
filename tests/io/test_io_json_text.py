"""render_json: an edited JSON document keeps every byte of its original text that did not change."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from karpmigrate.convert import Options, convert_text
from karpmigrate.io.documents import split_documents
from karpmigrate.io.json_text import render_json
from karpmigrate.io.paths import pop, set_
from karpmigrate.io.yaml import dump_document, parse_document, to_plain

POOL = """\
{
  "apiVersion": "karpenter.sh/v1beta1",
  "kind": "NodePool",
  "metadata": {"name": "default"},
  "spec": {
    "template": {
      "spec": {
        "nodeClassRef": {"name": "default"},
        "requirements": [{"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]}]
      }
    },
    "disruption": {
      "consolidationPolicy": "WhenUnderutilized",
      "expireAfter": "720h"
    }
  }
}
"""

POOL_V1 = """\
{
  "apiVersion": "karpenter.sh/v1",
  "kind": "NodePool",
  "metadata": {"name": "default"},
  "spec": {
    "template": {
      "spec": {
        "nodeClassRef": {"name": "default", "group": "karpenter.k8s.aws", "kind": "EC2NodeClass"},
        "requirements": [{"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]}],
        "expireAfter": "720h"
      }
    },
    "disruption": {
      "consolidationPolicy": "WhenEmptyOrUnderutilized",
      "consolidateAfter": "0s"
    }
  }
}
"""


def _edited(text: str, edit: Any) -> Any:
    data = json.loads(text)
    edit(data)
    return data


def _dump(text: str, edit: Any) -> str:
    (doc,) = split_documents(text)
    parsed = parse_document(doc, "f.json")
    edit(parsed.tree)
    return dump_document(parsed)


# ---------------------------------------------------------------- the conversion example


def _to_v1(data: Any) -> None:
    data["apiVersion"] = "karpenter.sh/v1"
    spec = data["spec"]["template"]["spec"]
    spec["nodeClassRef"].update(group="karpenter.k8s.aws", kind="EC2NodeClass")
    spec["expireAfter"] = data["spec"]["disruption"].pop("expireAfter")
    data["spec"]["disruption"]["consolidationPolicy"] = "WhenEmptyOrUnderutilized"
    data["spec"]["disruption"]["consolidateAfter"] = "0s"


def test_conversion_example_changes_only_the_lines_that_changed():
    assert render_json(POOL, _edited(POOL, _to_v1), 2) == POOL_V1


def test_convert_keeps_the_json_layout():
    result = convert_text(POOL, Options(), file="np.json")
    assert result.text == POOL_V1


# ---------------------------------------------------------------- unchanged text


@pytest.mark.parametrize(
    "text",
    [
        POOL,
        POOL.rstrip("\n"),
        '{"a":1,"b":[1,2]}',
        '{ "a" : 1 ,\n\n  "b":[ ]  }\n\n',
        '{"a": "\\u00e9\\/", "b": 1.50, "c": -0, "d": 1E+2}',
        '[\n\t{"a": 1},\n\t2\n]\n',
    ],
)
def test_unchanged_document_is_returned_byte_for_byte(text):
    assert render_json(text, json.loads(text), 2) == text


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('# header\n---\n{"a": [true, false, null]}\n...\n# footer\n', {"a": [True, False, None]}),
        ('--- {"a": 1}  # about a\n', {"a": 1}),
    ],
)
def test_unchanged_document_in_yaml_is_returned_byte_for_byte(text, value):
    assert render_json(text, value, 2) == text


def test_unchanged_document_through_dump_document():
    assert _dump(POOL, lambda tree: None) == POOL


# ---------------------------------------------------------------- edits


def test_value_changed_in_a_multi_line_object():
    text = '{\n  "a": 1,\n  "b": {"x": [1, 2]},\n  "c": "keep  me"\n}\n'
    new = _edited(text, lambda d: d.update(a=2))
    assert render_json(text, new, 2) == text.replace('"a": 1', '"a": 2')


def test_nested_one_line_value_changed_keeps_its_siblings_bytes():
    text = '{\n  "b": {"x": [1,  2], "y": "\\u00e9"}\n}\n'
    new = _edited(text, lambda d: d["b"].update(y="z"))
    assert render_json(text, new, 2) == '{\n  "b": {"x": [1,  2], "y": "z"}\n}\n'


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("c", '{\n  "a": 1,\n  "b": 2\n}\n'),
        ("b", '{\n  "a": 1,\n  "c": 3\n}\n'),
        ("a", '{\n  "b": 2,\n  "c": 3\n}\n'),
    ],
)
def test_key_removed_leaves_no_dangling_comma(key, expected):
    text = '{\n  "a": 1,\n  "b": 2,\n  "c": 3\n}\n'
    assert render_json(text, _edited(text, lambda d: d.pop(key)), 2) == expected


def test_key_removed_from_a_one_line_object():
    text = '{"a": 1, "b": 2, "c": 3}\n'
    assert render_json(text, _edited(text, lambda d: d.pop("c")), 0) == '{"a": 1, "b": 2}\n'
    assert render_json(text, _edited(text, lambda d: d.pop("a")), 0) == '{"b": 2, "c": 3}\n'


def test_key_added_to_an_empty_object_follows_its_parent():
    text = '{\n  "metadata": {},\n  "spec": {"x": {}}\n}\n'

    def edit(data: Any) -> None:
        data["metadata"]["labels"] = {"team": "a"}
        data["spec"]["x"]["y"] = 1

    assert render_json(text, _edited(text, edit), 2) == (
        '{\n  "metadata": {\n    "labels": {\n      "team": "a"\n    }\n  },\n  "spec": {"x": {"y": 1}}\n}\n'
    )


def test_key_added_to_an_empty_root():
    assert render_json("{}\n", {"a": [1]}, 2) == '{\n  "a": [\n    1\n  ]\n}\n'
    assert render_json("{}\n", {"a": [1]}, 0) == '{"a": [1]}\n'


def test_new_collection_in_a_multi_line_object_is_pretty_printed():
    text = '{\n    "a": 1\n}\n'
    new = _edited(text, lambda d: d.update(b={"c": [1, {"d": None}]}))
    assert render_json(text, new, 4) == json.dumps(new, indent=4) + "\n"


def test_nested_lists():
    text = '{\n  "m": [\n    [1, 2],\n    [3, [4, 5]],\n    [6]\n  ]\n}\n'
    new = _edited(text, lambda d: d["m"][1][1].append(9))
    assert render_json(text, new, 2) == text.replace("[4, 5]", "[4, 5, 9]")
    new = _edited(text, lambda d: d["m"].append([]))
    assert render_json(text, new, 2) == text.replace("[6]\n", "[6],\n    []\n")
    # The items after a removed one keep their bytes.
    new = _edited(text, lambda d: d["m"].pop(0))
    assert render_json(text, new, 2) == '{\n  "m": [\n    [3, [4, 5]],\n    [6]\n  ]\n}\n'


def test_items_sharing_the_brackets_lines():
    text = '[{\n  "a": 1\n}, {\n  "b": 2\n}]\n'
    new = _edited(text, lambda d: d.append({"c": 3}))
    assert render_json(text, new, 2) == '[{\n  "a": 1\n}, {\n  "b": 2\n}, {\n  "c": 3\n}]\n'


def test_compact_separators():
    text = '{"a":{"b":1},"c":[1,2]}'
    new = _edited(text, lambda d: (d["a"].update(x={"y": [True]}), d["c"].append(3)))
    assert render_json(text, new, 0) == '{"a":{"b":1,"x":{"y":[true]}},"c":[1,2,3]}'


def test_four_space_indentation():
    text = '{\n    "spec": {\n        "a": 1\n    }\n}\n'
    new = _edited(text, lambda d: d["spec"].update(b=[1]))
    assert (
        render_json(text, new, 4)
        == '{\n    "spec": {\n        "a": 1,\n        "b": [\n            1\n        ]\n    }\n}\n'
    )


def test_tab_indentation_of_existing_entries_is_kept():
    text = '{\n\t"a": 1,\n\t"b": 2\n}\n'
    new = _edited(text, lambda d: d.update(c=3))
    assert render_json(text, new, 0) == '{\n\t"a": 1,\n\t"b": 2,\n\t"c": 3\n}\n'


def test_unicode_strings():
    text = '{\n  "a": "caf\\u00e9",\n  "b": "naïve",\n  "c": 1\n}\n'
    new = _edited(text, lambda d: d.update(c="日本", d="\u00e9\n"))
    # Unchanged strings keep their escapes; new ones are written as ensure_ascii=False writes them.
    assert (
        render_json(text, new, 2)
        == '{\n  "a": "caf\\u00e9",\n  "b": "naïve",\n  "c": "日本",\n  "d": "é\\n"\n}\n'
    )


def test_type_changes_are_written_anew():
    text = '{"a": 1, "b": 1.0, "c": 0}'
    new = {"a": True, "b": 1, "c": False}
    assert render_json(text, new, 0) == '{"a": true, "b": 1, "c": false}'


def test_reordered_keys_follow_the_new_order():
    text = '{\n  "a": 1,\n  "b": 2\n}\n'
    assert render_json(text, {"b": 2, "a": 1}, 2) == '{\n  "b": 2,\n  "a": 1\n}\n'


def test_crlf_line_endings():
    text = '{\r\n  "a": 1,\r\n  "b": {"x": 1}\r\n}\r\n'
    new = _edited(text, lambda d: d.update(c={"d": 2}))
    expected = '{\r\n  "a": 1,\r\n  "b": {"x": 1},\r\n  "c": {\r\n    "d": 2\r\n  }\r\n}\r\n'
    assert render_json(text, new, 2) == expected
    out = _dump(text, lambda tree: set_(tree, ("c",), {"d": 2}))
    assert out == expected


def test_crlf_without_final_newline_through_dump_document():
    text = '{\r\n  "a": 1,\r\n  "b": 2\r\n}'
    assert _dump(text, lambda tree: pop(tree, ("b",))) == '{\r\n  "a": 1\r\n}'


def test_yaml_header_and_footer_are_kept():
    text = '# exported\n---\n{\n  "a": 1\n}\n...\n# end\n'
    assert render_json(text, {"a": 2}, 2) == text.replace('"a": 1', '"a": 2')
    assert _dump(text, lambda tree: set_(tree, ("a",), 2)) == text.replace('"a": 1', '"a": 2')


def test_json_document_in_a_multi_document_yaml_file():
    text = 'a: 1\n---\n{"kind": "X", "spec": {"b": 1}}\n'
    docs = split_documents(text)
    parsed = parse_document(docs[1], "f.yaml")
    set_(parsed.tree, ("spec", "b"), 2)
    assert dump_document(parsed) == '---\n{"kind": "X", "spec": {"b": 2}}\n'


@pytest.mark.parametrize(
    "text",
    [
        '{\n  "a": 1,  # a YAML comment\n  "b": 2\n}\n',
        "{'a': 1, 'b': 2}\n",
        '{"a": 1, "b": NaN}\n',
        '{"a": 1, "a": 2}\n',
        '{"a": 1} trailing\n',
    ],
)
def test_text_that_is_not_plain_json_falls_back_to_json_dumps(text):
    assert render_json(text, {"a": 1, "b": 3}, 2) == '{\n  "a": 1,\n  "b": 3\n}\n'


def test_fallback_still_gives_the_new_value_through_dump_document():
    text = '{\n  "a": 1,  # a YAML comment\n  "b": 2\n}\n'
    out = _dump(text, lambda tree: set_(tree, ("b",), 3))
    (doc,) = split_documents(out)
    assert to_plain(parse_document(doc, "f.json").tree) == {"a": 1, "b": 3}


# ---------------------------------------------------------------- properties

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6)
)
_TREES = st.recursive(
    _SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=4), children, max_size=4)
    ),
    max_leaves=20,
)
_LAYOUTS = st.sampled_from(
    [
        {"indent": 2},
        {"indent": 4},
        {"indent": None},
        {"indent": None, "separators": (",", ":")},
        {"indent": 2, "ensure_ascii": False},
    ]
)


def _strict_equal(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_strict_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_strict_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _random_edit(tree: Any, data: st.DataObject) -> Any:
    """A copy of ``tree`` with one value replaced, removed or added somewhere inside it."""
    if not isinstance(tree, (dict, list)) or data.draw(st.integers(0, 3)) == 0:
        return data.draw(_TREES)
    new = copy.copy(tree)
    keys = list(new) if isinstance(new, dict) else list(range(len(new)))
    action = data.draw(st.sampled_from(["descend", "remove", "add"] if keys else ["add"]))
    if action == "add":
        value = data.draw(_TREES)
        if isinstance(new, dict):
            new[data.draw(st.text(max_size=4))] = value
        else:
            new.insert(data.draw(st.integers(0, len(new))), value)
        return new
    key = data.draw(st.sampled_from(keys))
    if action == "remove":
        del new[key]
    else:
        new[key] = _random_edit(new[key], data)
    return new


@given(_TREES, _LAYOUTS, st.data())
def test_property_the_result_parses_to_the_new_value(tree, layout, data):
    text = json.dumps(tree, **layout) + "\n"
    new = _random_edit(tree, data)
    assert _strict_equal(json.loads(render_json(text, new, layout["indent"])), new)


@given(_TREES, _TREES, _LAYOUTS)
def test_property_any_new_value_parses_back(tree, new, layout):
    text = json.dumps(tree, **layout)
    assert _strict_equal(json.loads(render_json(text, new, layout["indent"])), new)


@given(_TREES, _LAYOUTS)
def test_property_unchanged_value_keeps_the_text(tree, layout):
    text = json.dumps(tree, **layout)
    assert render_json(text, json.loads(text), layout["indent"]) == text


@given(_TREES, st.data())
def test_property_pretty_printed_documents_stay_pretty_printed(tree, data):
    # In a json.dumps(indent=2) document, every edit is laid out the way json.dumps would lay it out.
    new = _random_edit(tree, data)
    text = json.dumps(tree, indent=2, ensure_ascii=False)
    assert render_json(text, new, 2) == json.dumps(new, indent=2, ensure_ascii=False)


@given(_TREES, st.data())
def test_property_compact_documents_stay_compact(tree, data):
    # The wrapper shows the separators, which a document without two entries side by side would not.
    new = {"a": _random_edit(tree, data), "b": 0}
    text = json.dumps({"a": tree, "b": 0}, separators=(",", ":"), ensure_ascii=False)
    assert render_json(text, new, 0) == json.dumps(new, separators=(",", ":"), ensure_ascii=False)


def test_deep_nesting_is_scanned():
    text = '{"a": ' * 90 + "1" + "}" * 90
    new = json.loads(text)
    assert render_json(text, new, 0) == text
