#!/usr/bin/python3
"""The issue-27 recipe and the outsider's SVM, each scored two ways on one setting of the outsider's protocol.

  /usr/bin/python3 tools/eval/outsider-recipe.py MODE [--window A,B] [--hist A,B] [--seed N]   (MODE: text | two-topics)

Imports ../shared/eval/protocol.py (its subscribers, store and relevance) and ranks each subscriber's papers with
  - the outsider's SVM (protocol.py's recipe: tf-idf 1-2-grams, LinearSVC C=0.01 balanced, trained on the whole store),
  - the semantic space the issue proposed (tf-idf with 2 <= df <= 30% of the store, truncated SVD to 2.5/5/7.5/10% of
    the store's papers, each row smoothed over its 20 nearest neighbours; the four spaces' z-scores summed), and one
    space of 64 dimensions (what Paperboy keeps),
and prints nDCG@10 twice: over the protocol's candidates (what protocol.py scores its SVM on) and over the whole
store less the subscriber's own seeds (what an installed product ranks: the other subscribers' seed papers are stored
too, dated inside the week). Docs: docs/ranking.md, "What the outsider's ratio measures".
"""
import os, sys
import numpy as np
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

PROTOCOL = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'shared', 'eval')
sys.argv = ['protocol.py', os.path.join(os.environ.get('TMPDIR', '/tmp'), 'outsider-recipe')] + sys.argv[1:]
sys.path.insert(0, os.environ.get('PROTOCOL_DIR', PROTOCOL))
import protocol as P  # noqa: E402  (builds the subscribers and the store for the given setting)

index, subs = P.index, P.subs


def space(X, k, nn=20):
    """Unit rows of E + W.E: E the unit rows of a k-dimension LSA, W the row-normalised, symmetrised nn-neighbour graph."""
    E = TruncatedSVD(k, n_iter=8, random_state=0).fit_transform(X)
    E /= np.linalg.norm(E, axis=1, keepdims=True) + 1e-12
    C = E @ E.T
    np.fill_diagonal(C, -1)
    rows = np.arange(C.shape[0])[:, None]
    near = np.argsort(-C, axis=1)[:, :nn]
    W = np.zeros_like(C)
    W[rows, near] = np.maximum(C[rows, near], 0)
    W = (W + W.T) / 2
    W /= W.sum(1, keepdims=True) + 1e-12
    S = E + W @ E
    return S / (np.linalg.norm(S, axis=1, keepdims=True) + 1e-12)


def in_spaces(spaces):
    def score(s):
        total = 0
        for S in spaces:
            sc = S @ (S[[index[i] for i in s['seeds']]].mean(0) - S.mean(0))
            total = total + (sc - sc.mean()) / (sc.std() + 1e-12)
        return total
    return score


svm_vec = TfidfVectorizer(strip_accents='unicode', lowercase=True, stop_words='english',
                          token_pattern=r'(?u)\b[a-zA-Z_][a-zA-Z0-9_]+\b', ngram_range=(1, 2), max_features=20000,
                          sublinear_tf=True, max_df=0.1, min_df=5)
X = svm_vec.fit_transform([P.text(p) for p in P.store_list])


def svm(s):
    y = np.zeros(X.shape[0])
    y[[index[i] for i in s['seeds']]] = 1
    return LinearSVC(class_weight='balanced', max_iter=10000, tol=1e-6, C=0.01).fit(X, y).decision_function(X)


rich = TfidfVectorizer(strip_accents='unicode', lowercase=True, stop_words='english',
                       token_pattern=r'(?u)\b[a-zA-Z_][a-zA-Z0-9_]+\b', ngram_range=(1, 2), sublinear_tf=True,
                       min_df=2, max_df=0.3).fit_transform([P.text(p) for p in P.store_list])
n = rich.shape[0]
rankers = {'SVM': svm, 'four spaces': in_spaces([space(rich, max(4, int(f * n))) for f in (0.025, 0.05, 0.075, 0.1)]),
           'one space, 64 dims': in_spaces([space(rich, 64)])}
svm_window = None
for name, score in rankers.items():
    window, store = [], []
    for s in subs:
        sc = score(s)
        own = set(s['seeds'])
        window.append(P.metrics(sorted(P.cand_ids, key=lambda i: -sc[index[i]]), P.rel[s['email']])[0])
        store.append(P.metrics(sorted((i for i in P.ids if i not in own), key=lambda i: -sc[index[i]]), P.rel[s['email']])[0])
    svm_window = svm_window or np.mean(window)
    print(f'{name:20s} over the window {np.mean(window):.3f} ({np.mean(window) / svm_window:.2f}x)   '
          f'over the store {np.mean(store):.3f} ({np.mean(store) / svm_window:.2f}x of the SVM over the window)', flush=True)
