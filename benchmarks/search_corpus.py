"""The seeded synthetic corpus and query sets of the search benchmarks.

10 000 docs of about 305 words drawn from a 4000-word vocabulary with a Zipf
distribution: real Swedish and English words (the frequent ones), pseudo-words
(about one in five with å/ä/ö) and 25 % stop words, plus Markdown emphasis and
links; each doc has 1-2 of 12 topics. Queries: one word, two words from the
same doc, a prefix of 3-6 letters, and a word with one typo (not in the first
letter). Used by search_bench.py, search_recall.py and sync_bench.py; the
same seeds give the same corpus and queries on every run.
"""

from __future__ import annotations

import itertools
import random

from kmclient.core.search import SearchDoc
from kmclient.core.search_text import markdown_to_text


def _split(text: str) -> list[str]:
    return text.split()


SWEDISH = _split("""
ansökan avgift avfall återvinning återvinningscentral överklaga överklagande
beslut bygglov bostad boende parkering parkeringstillstånd parkeringsplats
hämtning sophämtning kärl matavfall förpackningar grovsopor farligt
skola förskola fritidshem elev lärare skolskjuts läsår terminsavgift
bidrag försörjningsstöd hemtjänst äldreboende färdtjänst ledsagning
vatten avlopp fjärrvärme elnät mätare faktura betalning räkning påminnelse
kommun förvaltning nämnd handläggare ärende diarium blankett e-tjänst
gata väg cykelbana trafik hastighet skylt snöröjning halkbekämpning
bibliotek lån återlämning försenad kultur fritid idrottshall simhall
öppettider stängt helgdag midsommar jul påsk sommar vinter höst vår
adress folkbokföring flytt hyresgäst hyresvärd lägenhet villa tomt
miljö buller luft klimat träd park lekplats badplats strand brygga
tillstånd anmälan registrering kontroll inspektion livsmedel servering
allmän handling sekretess personuppgifter samtycke gallring arkiv
dödsbo begravning gravplats hyra uppsägning kö väntetid prioritet
medborgare invånare företag näringsliv upphandling leverantör avtal
""")

ENGLISH = _split("""
application fee waste recycling appeal decision permit building housing
resident parking space collection bin food packaging hazardous school
preschool pupil teacher transport term grant support care elderly
water sewage heating meter invoice payment reminder council department
officer case register form service street road cycle traffic speed sign
snow clearing library loan return overdue culture leisure sports pool
opening hours closed holiday summer winter autumn spring address move
tenant landlord apartment house plot environment noise air climate tree
playground beach jetty registration inspection food restaurant public
record privacy consent archive funeral rent notice queue waiting priority
citizen business procurement supplier contract deadline online phone
""")

STOPWORDS = _split("""
och att det som en på är av för med till den har de inte om ett men
the and of to a in is that for it as with be on not this are by or
""")

TOPICS = [
    "parking",
    "waste",
    "schools",
    "social",
    "water",
    "permits",
    "traffic",
    "library",
    "housing",
    "environment",
    "tax",
    "culture",
]

_SYLLABLES = _split("ka lo mi ne ru sa te vi bo da fe gu ha ji ko la me no pa re si to vu")
_SWE_SYLLABLES = _split("å ä ö kå lä mö rå sä tö vå nä hö")


def build_vocabulary(rng: random.Random, size: int) -> list[str]:
    """Real words first (they get the frequent ranks), then pseudo-words,
    about one in five with å/ä/ö."""
    vocab = list(dict.fromkeys(SWEDISH + ENGLISH))
    seen = set(vocab) | set(STOPWORDS)
    while len(vocab) < size:
        n = rng.choice((2, 3, 3, 4))
        parts = [rng.choice(_SYLLABLES) for _ in range(n)]
        if rng.random() < 0.2:
            parts[rng.randrange(n)] = rng.choice(_SWE_SYLLABLES)
        word = "".join(parts)
        if word not in seen:
            seen.add(word)
            vocab.append(word)
    return vocab


class Corpus:
    def __init__(self, n_docs: int, vocab_size: int = 4000, words_per_doc: int = 300) -> None:
        self.rng = random.Random(20240611)
        self.vocab = build_vocabulary(self.rng, vocab_size)
        # Zipf-like: weight 1/rank, so a few words are everywhere and most are rare.
        self.cum = list(itertools.accumulate(1.0 / (r + 1) for r in range(len(self.vocab))))
        self.n_docs = n_docs
        self.words_per_doc = words_per_doc
        self.docs = [self._doc(i) for i in range(n_docs)]

    def word(self) -> str:
        if self.rng.random() < 0.25:
            return self.rng.choice(STOPWORDS)
        return self.rng.choices(self.vocab, cum_weights=self.cum)[0]

    def _doc(self, i: int) -> SearchDoc:
        rng = self.rng
        title = " ".join(self.word() for _ in range(rng.randint(3, 7))).capitalize()
        paragraphs = []
        left = self.words_per_doc
        while left > 0:
            sentences = []
            for _ in range(rng.randint(2, 5)):
                n = min(left, rng.randint(6, 16))
                if n <= 0:
                    break
                ws = [self.word() for _ in range(n)]
                if rng.random() < 0.15:
                    ws[0] = f"**{ws[0]}**"
                if rng.random() < 0.05:
                    ws[-1] = f"[{ws[-1]}](https://example.org/{ws[-1]})"
                sentences.append(" ".join(ws).capitalize() + ".")
                left -= n
            paragraphs.append(" ".join(sentences))
        body = f"# {title}\n\n" + "\n\n".join(paragraphs)
        if i % 97 == 0:
            body += " 🚗"
        topics = rng.sample(TOPICS, rng.choice((1, 1, 2)))
        return SearchDoc(f"doc-{i:06d}", title, body, topics)

    def queries(self, per_kind: int) -> dict[str, list[str]]:
        rng = random.Random(7)
        # Content words a person would type: not the top few, not the ultra-rare.
        content = [w for w in self.vocab[:1500] if len(w) >= 5]
        out: dict[str, list[str]] = {"single": [], "two words": [], "prefix": [], "typo": []}
        for _ in range(per_kind):
            out["single"].append(rng.choice(content))
            # Two words from one document, so AND has something to find.
            doc = rng.choice(self.docs)
            ws = [w for w in markdown_to_text(doc.body).lower().split() if len(w) >= 5]
            ws = [w.strip(".,") for w in ws]
            a, b = rng.sample(ws, 2) if len(ws) >= 2 else (ws[0], ws[0])
            out["two words"].append(f"{a} {b}")
            w = rng.choice(content)
            out["prefix"].append(w[: rng.randint(3, min(6, len(w) - 1))])
            out["typo"].append(typo(rng, rng.choice(content)))
        return out


def typo(rng: random.Random, word: str) -> str:
    i = rng.randrange(1, len(word) - 1)  # never the first letter
    kind = rng.choice(("sub", "del", "swap"))
    if kind == "sub":
        return word[:i] + rng.choice("aeiourstnl") + word[i + 1 :]
    if kind == "del":
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
