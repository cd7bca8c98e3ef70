"""Words Chinese users build passwords from, which zxcvbn's English lists do not know: pinyin
phrases and names, numbers read as words (520 我爱你, 1314 一生一世), and this bureau's places.
zxcvbn ranks them like the user's own words, so ``woaini1314`` scores as easy to guess."""
from __future__ import annotations

PHRASES = (
    "woaini", "woaini1314", "aini", "ainio", "5201314", "1314520", "520", "521", "1314", "woaini520", "iloveyou",
    "nihao", "mima", "baobei", "laopo", "laogong", "xingfu", "kuaile", "pingan", "jiayou", "meimei", "gege",
    "jiejie", "didi", "xiaobao", "xiaoming", "xiaohong", "tiantian", "qiqi", "lele", "yiyi", "zhongguo",
    "zhonghua", "beijing", "shanghai", "anhui", "huainan", "hefei", "bagongshan", "tianjiaan", "xiejiaji",
    "panji", "fengtai", "shouxian", "shitoushan", "zhishi", "chanquan", "zhuanli", "shangbiao", "qq",
    "qq123456", "a123456", "aa123456", "woshishui", "wodemima", "huainan123", "147258369", "159357",
)
# The hundred commonest surnames carry most given names; zxcvbn matches the rest as guessable syllables.
SURNAMES = (
    "wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun", "ma", "zhu", "hu",
    "guo", "he", "gao", "lin", "luo", "zheng", "liang", "xie", "song", "tang", "han", "feng", "deng", "cao",
    "peng", "zeng", "xiao", "tian", "dong", "yuan", "pan", "yu", "jiang", "cai", "jia", "ding", "wei", "xue",
    "ye", "yan", "lu", "du", "dai", "xia", "zhong", "wan", "fu", "shen", "ren", "yao", "qian", "jin", "cui",
)
WORDS = PHRASES + SURNAMES
