"""Plausible, varied Chinese names with their pinyin, drawn deterministically from a seeded generator.

The names are made up from common surnames and given-name characters; they stand for no real person.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# Surnames roughly in order of frequency; earlier ones are drawn more often.
SURNAMES: dict[str, str] = {
    "王": "wang", "李": "li", "张": "zhang", "刘": "liu", "陈": "chen", "杨": "yang", "黄": "huang",
    "赵": "zhao", "吴": "wu", "周": "zhou", "徐": "xu", "孙": "sun", "马": "ma", "朱": "zhu", "胡": "hu",
    "郭": "guo", "何": "he", "高": "gao", "林": "lin", "罗": "luo", "郑": "zheng", "梁": "liang",
    "谢": "xie", "宋": "song", "唐": "tang", "许": "xu", "韩": "han", "冯": "feng", "邓": "deng",
    "曹": "cao", "彭": "peng", "曾": "zeng", "肖": "xiao", "田": "tian", "董": "dong", "袁": "yuan",
    "潘": "pan", "于": "yu", "蒋": "jiang", "蔡": "cai", "余": "yu", "杜": "du", "叶": "ye", "程": "cheng",
    "苏": "su", "魏": "wei", "吕": "lv", "丁": "ding", "任": "ren", "沈": "shen", "姚": "yao", "卢": "lu",
    "姜": "jiang", "崔": "cui", "钟": "zhong", "谭": "tan", "陆": "lu", "汪": "wang", "范": "fan",
    "金": "jin", "石": "shi", "廖": "liao", "贾": "jia", "夏": "xia", "韦": "wei", "方": "fang",
    "白": "bai", "邹": "zou", "孟": "meng", "熊": "xiong", "秦": "qin", "邱": "qiu", "江": "jiang",
    "尹": "yin", "薛": "xue", "段": "duan", "雷": "lei", "侯": "hou", "龙": "long", "史": "shi",
    "陶": "tao", "贺": "he", "顾": "gu", "毛": "mao", "郝": "hao", "龚": "gong", "邵": "shao",
    "万": "wan", "钱": "qian", "严": "yan", "武": "wu", "戴": "dai", "孔": "kong", "汤": "tang",
    "欧阳": "ouyang", "上官": "shangguan",
}  # fmt: skip

GIVEN_NAME_CHARACTERS: dict[str, str] = {
    "伟": "wei", "芳": "fang", "娜": "na", "敏": "min", "静": "jing", "丽": "li", "强": "qiang",
    "磊": "lei", "军": "jun", "洋": "yang", "勇": "yong", "艳": "yan", "杰": "jie", "娟": "juan",
    "涛": "tao", "明": "ming", "超": "chao", "秀": "xiu", "霞": "xia", "平": "ping", "刚": "gang",
    "英": "ying", "华": "hua", "玉": "yu", "萍": "ping", "红": "hong", "建": "jian", "国": "guo",
    "文": "wen", "辉": "hui", "鹏": "peng", "斌": "bin", "宇": "yu", "浩": "hao", "凯": "kai",
    "健": "jian", "俊": "jun", "帆": "fan", "旭": "xu", "宁": "ning", "晨": "chen", "欣": "xin",
    "怡": "yi", "佳": "jia", "琳": "lin", "雪": "xue", "婷": "ting", "慧": "hui", "颖": "ying",
    "倩": "qian", "晓": "xiao", "海": "hai", "波": "bo", "峰": "feng", "亮": "liang", "志": "zhi",
    "新": "xin", "春": "chun", "燕": "yan", "梅": "mei", "兰": "lan", "丹": "dan", "蕾": "lei",
    "瑶": "yao", "雨": "yu", "思": "si", "嘉": "jia", "子": "zi", "博": "bo", "泽": "ze", "轩": "xuan",
    "睿": "rui", "诚": "cheng", "立": "li", "振": "zhen", "永": "yong", "庆": "qing", "德": "de",
    "昊": "hao", "翔": "xiang", "琪": "qi", "璐": "lu", "悦": "yue", "彤": "tong", "冬": "dong",
    "楠": "nan", "卫": "wei", "东": "dong", "琴": "qin", "云": "yun", "莉": "li", "凤": "feng",
    "安": "an", "晶": "jing", "成": "cheng", "鑫": "xin",
}  # fmt: skip

_SURNAME_LIST = list(SURNAMES)
# Zipf-like weights: the tenth surname is drawn a third as often as the first.
_SURNAME_WEIGHTS = [1 / (1 + rank / 4) for rank in range(len(_SURNAME_LIST))]
_GIVEN_LIST = list(GIVEN_NAME_CHARACTERS)


@dataclass(frozen=True)
class ChineseName:
    """A generated name: the characters and their toneless pinyin (`王芳`, `wangfang`)."""

    name: str
    pinyin: str


def draw_name(rng: random.Random) -> ChineseName:
    """One name: a surname by frequency, then one given-name character (40%) or two (60%)."""
    surname = rng.choices(_SURNAME_LIST, weights=_SURNAME_WEIGHTS)[0]
    length = 1 if rng.random() < 0.4 else 2
    given = [rng.choice(_GIVEN_LIST) for _ in range(length)]
    if length == 2 and given[0] == given[1] and rng.random() < 0.7:
        given = given[:1]  # 叠字 names exist but are rarer
    name = surname + "".join(given)
    pinyin = SURNAMES[surname] + "".join(GIVEN_NAME_CHARACTERS[c] for c in given)
    return ChineseName(name=name, pinyin=pinyin)


def draw_unique_names(rng: random.Random, count: int, taken: set[str] | None = None) -> list[ChineseName]:
    """`count` names, none repeating one in `taken` or each other (so an office list is unambiguous)."""
    seen = set(taken or ())
    names: list[ChineseName] = []
    while len(names) < count:
        candidate = draw_name(rng)
        if candidate.name not in seen:
            seen.add(candidate.name)
            names.append(candidate)
    return names
