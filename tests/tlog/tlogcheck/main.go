// tlogcheck checks goldthread's Merkle tree against an independent implementation: Go's
// golang.org/x/mod/sumdb/tlog (the checksum database's tree, RFC 6962 hashing). It reads the
// vectors tlog_vectors printed from a real store (see tests/tlog/CMakeLists.txt) on stdin:
//
//	entry <index> <hex>                      a leaf entry (the record's canonical bytes)
//	root <size> <hex>                        TreeRoot(size)
//	inclusion <index> <size> <hex,...|->      InclusionProof(index, size)
//	consistency <old> <new> <hex,...|->       ConsistencyProof(old, new)
//	hashes <level> <from> <count> <size> <hex,...|->  TreeHashes(level, from, count, size)
//
// builds the tree from the entries with tlog, and requires every root, proof and stored hash to
// equal tlog's own and to pass tlog.CheckRecord / tlog.CheckTree. Exits 1 on the first
// difference, naming it; prints what it checked otherwise.
package main

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "tlogcheck: "+format+"\n", args...)
	os.Exit(1)
}

func parseHash(s string) tlog.Hash {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != tlog.HashSize {
		fail("not a hash: %q", s)
	}
	var h tlog.Hash
	copy(h[:], b)
	return h
}

func parseHashes(s string) []tlog.Hash {
	if s == "-" {
		return nil
	}
	var out []tlog.Hash
	for _, part := range strings.Split(s, ",") {
		out = append(out, parseHash(part))
	}
	return out
}

func parseInt(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		fail("not a number: %q", s)
	}
	return n
}

func same(a, b []tlog.Hash) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func main() {
	// tlog's own storage: every hash at every level, in StoredHashIndex order.
	var stored []tlog.Hash
	reader := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			if x >= int64(len(stored)) {
				return nil, fmt.Errorf("hash %d not stored", x)
			}
			out[i] = stored[x]
		}
		return out, nil
	})
	var entries [][]byte
	counts := map[string]int{}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<26)
	for line := 1; in.Scan(); line++ {
		f := strings.Fields(in.Text())
		if len(f) == 0 {
			continue
		}
		counts[f[0]]++
		switch f[0] {
		case "entry":
			if parseInt(f[1]) != int64(len(entries)) {
				fail("line %d: entry %s out of order", line, f[1])
			}
			data, err := hex.DecodeString(f[2])
			if err != nil {
				fail("line %d: %v", line, err)
			}
			hashes, err := tlog.StoredHashes(int64(len(entries)), data, reader)
			if err != nil {
				fail("line %d: %v", line, err)
			}
			stored = append(stored, hashes...)
			entries = append(entries, data)
		case "root":
			size := parseInt(f[1])
			want, err := tlog.TreeHash(size, reader) // zeros for size 0: never asked
			if err != nil {
				fail("line %d: %v", line, err)
			}
			if got := parseHash(f[2]); got != want {
				fail("root of size %d is %v, tlog says %v", size, got, want)
			}
		case "inclusion":
			index, size := parseInt(f[1]), parseInt(f[2])
			proof := tlog.RecordProof(parseHashes(f[3]))
			want, err := tlog.ProveRecord(size, index, reader)
			if err != nil {
				fail("line %d: %v", line, err)
			}
			if !same(proof, want) {
				fail("inclusion proof of %d in %d differs from tlog's", index, size)
			}
			th, _ := tlog.TreeHash(size, reader)
			if err := tlog.CheckRecord(proof, size, th, index, tlog.RecordHash(entries[index])); err != nil {
				fail("inclusion proof of %d in %d: %v", index, size, err)
			}
		case "consistency":
			old, size := parseInt(f[1]), parseInt(f[2])
			proof := tlog.TreeProof(parseHashes(f[3]))
			want, err := tlog.ProveTree(size, old, reader)
			if err != nil {
				fail("line %d: %v", line, err)
			}
			if !same(proof, want) {
				fail("consistency proof %d to %d differs from tlog's", old, size)
			}
			th, _ := tlog.TreeHash(size, reader)
			oh, _ := tlog.TreeHash(old, reader)
			if err := tlog.CheckTree(proof, size, th, old, oh); err != nil {
				fail("consistency proof %d to %d: %v", old, size, err)
			}
		case "hashes":
			level, from, count, size := int(parseInt(f[1])), parseInt(f[2]), parseInt(f[3]), parseInt(f[4])
			got := parseHashes(f[5])
			// The complete subtrees at `level` within `size`, up to `count`: what a C2SP tile holds.
			n := (size >> uint(level)) - from
			if n < 0 {
				n = 0
			}
			if n > count {
				n = count
			}
			if int64(len(got)) != n {
				fail("tree hashes level %d from %d in %d: %d hashes, want %d", level, from, size, len(got), n)
			}
			for j, h := range got {
				want := stored[tlog.StoredHashIndex(level, from+int64(j))]
				if h != want {
					fail("tree hash level %d index %d differs from tlog's", level, from+int64(j))
				}
			}
		default:
			fail("line %d: unknown record %q", line, f[0])
		}
	}
	if err := in.Err(); err != nil {
		fail("%v", err)
	}
	if len(entries) == 0 || counts["root"] == 0 || counts["inclusion"] == 0 || counts["consistency"] == 0 {
		fail("too few vectors: %v", counts)
	}
	fmt.Printf("tlogcheck: %d entries, %d roots, %d inclusion proofs, %d consistency proofs, %d hash ranges agree with golang.org/x/mod/sumdb/tlog\n",
		len(entries), counts["root"], counts["inclusion"], counts["consistency"], counts["hashes"])
}
