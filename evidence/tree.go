package evidence

import "golang.org/x/mod/sumdb/tlog"

// frontier computes the RFC 6962 root of a growing tree in memory
// logarithmic in its size: it keeps the roots of the perfect subtrees the
// leaves so far make, largest first.
type frontier struct {
	roots []tlog.Hash
	n     int64
}

// add appends a leaf hash.
func (f *frontier) add(leaf tlog.Hash) {
	h := leaf
	for k := f.n; k&1 == 1; k >>= 1 {
		h = tlog.NodeHash(f.roots[len(f.roots)-1], h)
		f.roots = f.roots[:len(f.roots)-1]
	}
	f.roots = append(f.roots, h)
	f.n++
}

// root returns the root of the tree of the leaves added so far.
func (f *frontier) root() tlog.Hash {
	if len(f.roots) == 0 {
		return tlog.Hash{}
	}
	h := f.roots[len(f.roots)-1]
	for i := len(f.roots) - 2; i >= 0; i-- {
		h = tlog.NodeHash(f.roots[i], h)
	}
	return h
}
