import re
from collections import Counter

WORD = re.compile(r"[A-Za-z0-9']+")


def count_words(text):
    return Counter(w.lower() for w in WORD.findall(text))


def top(text, n=3):
    return count_words(text).most_common(n)
