"""Inline `# karpmigrate:` directives (ecosystem §1.6, §3.4 item 14)."""

from __future__ import annotations

import textwrap

import pytest

from karpmigrate.errors import UsageError
from karpmigrate.lint.directives import ALL_RULES, Directives


def parse(text: str) -> Directives:
    return Directives.parse(textwrap.dedent(text), "f.yaml")


def error_of(text: str) -> str:
    with pytest.raises(UsageError) as caught:
        parse(text)
    return str(caught.value)


# ---------------------------------------------------------------- disable-line


def test_disable_line_on_the_same_line() -> None:
    d = parse(
        """\
        kind: NodePool
        metadata: {name: a}  # karpmigrate: disable-line=KM201,KM202
        spec: {}
        """
    )
    assert d.suppressed("KM201", 2)
    assert d.suppressed("KM202", 2)
    assert not d.suppressed("KM203", 2)
    assert not d.suppressed("KM201", 1)
    assert not d.suppressed("KM201", 3)
    assert not d.suppressed("KM201", None)


def test_disable_line_alone_applies_to_the_next_line() -> None:
    d = parse(
        """\
        kind: NodePool
        # karpmigrate: disable-line=KM201
        metadata: {name: a}
        spec: {}
        """
    )
    assert d.suppressed("KM201", 3)
    assert not d.suppressed("KM201", 2)
    assert not d.suppressed("KM201", 4)


def test_stacked_disable_line_comments_apply_to_the_next_content_line() -> None:
    d = parse(
        """\
        # karpmigrate: disable-line=KM201
        # why: reviewed in PLAT-12
          # karpmigrate: disable-line=KM202
        a: 1
        b: 2
        """
    )
    assert d.suppressed("KM201", 4)
    assert d.suppressed("KM202", 4)
    assert not d.suppressed("KM201", 5)


def test_disable_line_without_codes_covers_every_rule() -> None:
    d = parse("a: 1  # karpmigrate: disable-line\nb: 2\n")
    assert d.suppressed("KM101", 1)
    assert d.suppressed("KM224", 1)
    assert not d.suppressed("KM101", 2)


def test_spaces_and_a_reason_are_allowed() -> None:
    d = parse("a: 1  #karpmigrate:disable-line = KM201 , KM202 -- pinned by the platform team\n")
    assert d.suppressed("KM201", 1)
    assert d.suppressed("KM202", 1)


# ---------------------------------------------------------------- ranges


def test_disable_enable_range() -> None:
    d = parse(
        """\
        a: 1
        # karpmigrate: disable=KM201
        b: 2
        c: 3
        # karpmigrate: enable=KM201
        d: 4
        """
    )
    assert [line for line in range(1, 7) if d.suppressed("KM201", line)] == [2, 3, 4]
    assert not d.suppressed("KM202", 3)


def test_disable_without_enable_runs_to_the_end() -> None:
    d = parse("a: 1\n# karpmigrate: disable=KM211\nb: 2\n")
    assert d.suppressed("KM211", 3)
    assert d.suppressed("KM211", 10_000)
    assert not d.suppressed("KM211", 1)
    assert not d.suppressed("KM211", None)  # only disable-file covers findings without a line


def test_disable_all_then_enable_one() -> None:
    d = parse(
        """\
        # karpmigrate: disable
        a: 1
        # karpmigrate: enable=KM201
        b: 2
        # karpmigrate: enable
        c: 3
        """
    )
    assert d.suppressed("KM201", 2)
    assert not d.suppressed("KM201", 4)
    assert d.suppressed("KM202", 4)
    assert not d.suppressed("KM202", 6)


# ---------------------------------------------------------------- disable-file


def test_disable_file_in_the_leading_comment_block() -> None:
    d = parse(
        """\
        # Vendored from upstream.

        # karpmigrate: disable-file
        ---
        a: 1
        """
    )
    assert d.file_disabled
    assert d.suppressed("KM201", 5)
    assert d.suppressed("KM101", None)


def test_disable_file_after_a_document_marker() -> None:
    assert parse("---\n# karpmigrate: disable-file\na: 1\n").file_disabled


def test_disable_file_after_content_is_an_error() -> None:
    assert error_of("a: 1\n# karpmigrate: disable-file\n") == (
        "f.yaml:2:1: disable-file must be in the comment block at the top of the file"
    )


def test_disable_file_takes_no_codes() -> None:
    assert "disable-file takes no rule codes" in error_of("# karpmigrate: disable-file=KM201\n")


def test_no_directives() -> None:
    d = parse("a: 1  # a comment\n# karpmigrate: split from pools.yaml for NodePool a\n")
    assert not d.file_disabled
    assert not d.suppressed("KM201", 1)
    assert d.unused() == []


# ---------------------------------------------------------------- errors


def test_unknown_code() -> None:
    assert error_of("a: 1  # karpmigrate: disable-line=KM201,KM999\n") == (
        "f.yaml:1:41: unknown rule code KM999 in karpmigrate directive"
    )


def test_prefixes_are_not_codes_in_directives() -> None:
    assert "unknown rule code KM2 in karpmigrate directive" in error_of("# karpmigrate: disable=KM2\n")


def test_unknown_directive() -> None:
    assert error_of("a: 1 # karpmigrate: disable-lines=KM201\n") == (
        "f.yaml:1:21: unknown karpmigrate directive 'disable-lines' (disable-line, disable-file, disable, enable)"
    )


def test_malformed_directive() -> None:
    assert error_of("a: 1\nb: 2 # karpmigrate: disable-line KM201\n").startswith(
        "f.yaml:2:21: malformed karpmigrate directive"
    )


# ---------------------------------------------------------------- only real comments count


def test_hash_inside_a_quoted_string_is_not_a_comment() -> None:
    d = parse(
        """\
        a: "x # karpmigrate: disable-line=KM201"
        b: 'y # karpmigrate: disable-file'
        c: 'it''s # karpmigrate: disable-line=KM202' # karpmigrate: disable-line=KM203
        """
    )
    assert not d.suppressed("KM201", 1)
    assert not d.file_disabled
    assert not d.suppressed("KM202", 3)
    assert d.suppressed("KM203", 3)


def test_hash_inside_a_multi_line_string_is_not_a_comment() -> None:
    d = parse('a: "one\n  # karpmigrate: disable=KM201\n  two"\nb: 1\n')
    assert not d.suppressed("KM201", 4)


def test_hash_inside_a_block_scalar_is_not_a_comment() -> None:
    d = parse(
        """\
        userData: |  # karpmigrate: disable-line=KM223
          #!/bin/bash
          # karpmigrate: disable=KM201
          echo hi # karpmigrate: disable-file
        b: 1
        """
    )
    assert d.suppressed("KM223", 1)
    assert not d.suppressed("KM201", 5)
    assert not d.file_disabled


def test_unscannable_yaml_falls_back_to_the_line_heuristic() -> None:
    d = parse(
        """\
        a: @not-a-token
        b: "x # karpmigrate: disable-line=KM201"
        c: 1 # karpmigrate: disable-line=KM202
        d: it's plain # karpmigrate: disable-line=KM203
        e: 'it''s # quoted' # karpmigrate: disable-line=KM204
        """
    )
    assert not d.suppressed("KM201", 2)
    assert d.suppressed("KM202", 3)
    assert d.suppressed("KM203", 4)
    assert d.suppressed("KM204", 5)


def test_a_hash_glued_to_text_is_not_a_comment() -> None:
    d = parse("a: b#karpmigrate: disable-line=KM201\n")
    assert not d.suppressed("KM201", 1)


def test_crlf_and_bom() -> None:
    d = Directives.parse("\ufeffa: 1\r\nb: 2  # karpmigrate: disable-line=KM201\r\nc: 3\r\n", "f.yaml")
    assert d.suppressed("KM201", 2)
    assert not d.suppressed("KM201", 3)


# ---------------------------------------------------------------- unused directives


def test_unused_directives() -> None:
    d = parse(
        """\
        # karpmigrate: disable-file
        a: 1  # karpmigrate: disable-line=KM201,KM202
        # karpmigrate: disable=KM211
        b: 2
        # karpmigrate: enable=KM211
        c: 3  # karpmigrate: disable-line
        """
    )
    assert d.suppressed("KM201", 2)
    assert d.suppressed("KM211", 4)
    assert d.used == {(2, "KM201"), (3, "KM211")}
    # The most specific directive is credited: disable-file suppressed nothing yet.
    assert d.unused() == [(1, ALL_RULES), (2, "KM202"), (6, ALL_RULES)]
    assert d.suppressed("KM101", None)
    assert d.suppressed("KM110", 6)
    assert d.unused() == [(2, "KM202")]
