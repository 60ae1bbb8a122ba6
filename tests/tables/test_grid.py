import pytest

from mubiao.domain.problems import TableError
from mubiao.tables.grid import read_text_grid
from tests.tables.tables import seed_text


def test_utf8_with_bom_gbk_gb18030_and_crlf_all_read_as_the_same_grid() -> None:
    text = seed_text()
    plain = read_text_grid(text.encode("utf-8"), "seed.txt").rows

    variants = {
        "bom": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "gbk": text.encode("gbk"),
        "gb18030": text.encode("gb18030"),
        "crlf": text.replace("\n", "\r\n").encode("utf-8"),
        "gbk+crlf": text.replace("\n", "\r\n").encode("gbk"),
    }

    for name, data in variants.items():
        assert read_text_grid(data, f"{name}.txt").rows == plain, name


def test_comma_and_semicolon_separated_text_is_split_into_cells() -> None:
    assert read_text_grid(b"a,b,c\n1,2,3\n", "t.csv").rows == [["a", "b", "c"], ["1", "2", "3"]]
    assert read_text_grid(b"a;b\n1;2\n", "t.csv").rows == [["a", "b"], ["1", "2"]]


def test_an_empty_file_is_refused_with_its_name() -> None:
    with pytest.raises(TableError, match=r"empty\.txt：文件为空"):
        read_text_grid(b"  \n\n", "empty.txt")


def test_a_binary_file_is_refused_rather_than_mangled() -> None:
    with pytest.raises(TableError, match="二进制文件"):
        read_text_grid(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "picture.txt")


def test_bytes_that_are_neither_utf8_nor_gb18030_are_refused() -> None:
    with pytest.raises(TableError, match="编码"):
        read_text_grid(bytes(range(128, 256)) * 4 + b"\x01\x02\x03\x04" * 50, "odd.txt")
