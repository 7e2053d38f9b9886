package jar

import (
	"cmp"
	"runtime"
	"slices"
	"sync"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// The Go side of an import (classify, normalize, encode, hash every cookie)
// is independent per cookie, while SQLite writes on one goroutine. So the
// import's order is cut into chunks that workers prepare ahead of the
// writer, which then only looks each cookie up and writes it: on two cores
// the preparation costs almost no wall time. At most prepAhead chunks wait
// prepared, which bounds the memory.

// prepped is one cookie of the import made ready for the jar: everything
// the writer needs is computed here, on the workers, so that the writer
// goroutine (the import's critical path) only looks it up and writes it.
type prepped struct {
	c                    cookie.Cookie // classified and normalized; Source is the batch's
	site                 string
	key                  []byte // identityKey
	more                 []byte // encodeMore
	flags, expires, hash int64
	idHash               uint64       // identityHash(key), for the import record
	tracking             TrackingSeen // the import record's triple, if c is tracking
}

// nCookieColumns is len(cookieColumns).
const nCookieColumns = 16

// prepChunk is a run of the import's order, prepared by one worker.
type prepChunk struct {
	refs  []ref
	items []prepped
	buf   *prepBuf      // items' memory, back to the pool once nothing refers to it
	ready chan struct{} // closed once items are prepared
}

// prepBuf is the memory one chunk is prepared in. An import reuses a few
// of them instead of allocating one per chunk: a prepped is about a
// kilobyte, so fresh chunks would allocate a gigabyte over a million
// cookies, and near the command's heap limit every hundred megabytes
// allocated is a garbage collection over the whole import (docs/decisions.md,
// "Reused preparation buffers").
type prepBuf struct {
	items []prepped
	arena []byte
	offs  []int32
}

const (
	prepChunkSize = 1024
	prepAhead     = 8
)

// preparer runs the workers of one import.
type preparer struct {
	chunks []*prepChunk
	tokens chan struct{} // one per chunk prepared and not yet consumed
	free   chan *prepBuf // buffers of consumed chunks, for the workers to reuse
	quit   chan struct{}
	wg     sync.WaitGroup
}

// startPreparing cuts order into chunks and starts preparing them, in
// order, on up to four goroutines.
func (im *importer) startPreparing(order []ref) *preparer {
	workers := max(1, min(runtime.GOMAXPROCS(0), 4))
	p := &preparer{tokens: make(chan struct{}, prepAhead), quit: make(chan struct{}),
		free: make(chan *prepBuf, prepAhead+workers+1)}
	for lo := 0; lo < len(order); lo += prepChunkSize {
		hi := min(lo+prepChunkSize, len(order))
		p.chunks = append(p.chunks, &prepChunk{refs: order[lo:hi], ready: make(chan struct{})})
	}
	work := make(chan *prepChunk)
	p.wg.Add(1)
	go func() { // hands out chunks in order, at most prepAhead ahead of the writer
		defer p.wg.Done()
		defer close(work)
		for _, ch := range p.chunks {
			select {
			case p.tokens <- struct{}{}:
			case <-p.quit:
				return
			}
			select {
			case work <- ch:
			case <-p.quit:
				return
			}
		}
	}()
	for range workers {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			for ch := range work {
				im.prepareChunk(ch, p.take())
				close(ch.ready)
			}
		}()
	}
	return p
}

// take is a free buffer, or a new one.
func (p *preparer) take() *prepBuf {
	select {
	case b := <-p.free:
		return b
	default:
		return &prepBuf{}
	}
}

// release gives ch's buffer back once the writer has placed (written)
// every cookie of ch. Writer goroutine only.
func (p *preparer) release(ch *prepChunk) {
	if ch.buf == nil {
		return
	}
	b := ch.buf
	ch.buf, ch.items = nil, nil
	select { // the worker that takes it clears it, off the writer's path
	case p.free <- b:
	default:
	}
}

// next waits for chunk i to be prepared; done says it was consumed.
func (p *preparer) next(i int) *prepChunk {
	<-p.chunks[i].ready
	return p.chunks[i]
}

func (p *preparer) done(i int) {
	ch := p.chunks[i]
	p.chunks[i] = nil
	p.release(ch)
	<-p.tokens
}

// stop ends the workers (also when the writer gave up early) and waits.
func (p *preparer) stop() {
	close(p.quit)
	p.wg.Wait()
}

// prepareChunk classifies, normalizes and encodes the cookies of ch.
// Its memory is buf's, which may have served an earlier chunk.
func (im *importer) prepareChunk(ch *prepChunk, buf *prepBuf) {
	n := len(ch.refs)
	if cap(buf.items) < n {
		buf.items = make([]prepped, n)
	}
	ch.buf, ch.items = buf, buf.items[:n]
	clear(ch.items)
	arena := buf.arena[:0]
	if cap(arena) < n*192 {
		arena = make([]byte, 0, n*192)
	}
	offs := buf.offs[:0]
	sites := siteCache{} // per chunk: the workers share no map
	for i, r := range ch.refs {
		b := &im.batches[r.b]
		p := &ch.items[i]
		p.c = b.Cookies[r.c] // a copy: the caller's batch is not changed
		// The batch's source wins: Prune and the per-source state are the batch's.
		p.c.Source = b.Source
		c := &p.c
		k0 := len(arena)
		arena = appendIdentityKey(arena, c.Partition.Key(), c.Container.Key(), c.Domain, c.HostOnly, c.Path, c.Name)
		im.classify(c, arena[k0:])
		normalize(c)
		p.site = im.siteNames[r.site] // normalize keeps the domain
		m0 := len(arena)
		arena = encodeMore(arena, c)
		offs = append(offs, int32(k0), int32(m0), int32(len(arena)))
		p.flags, p.expires = cookieFlags(c), c.Expires.UnixMicro()
		p.hash = contentHash(p.site, c.Value, p.flags, p.expires, string(c.Purpose), c.Reason, string(c.VerdictBy), arena[m0:])
	}
	buf.arena, buf.offs = arena, offs
	// Slices into the arena only now: appending may have moved it.
	for i := range ch.items {
		p := &ch.items[i]
		k0, m0, end := offs[3*i], offs[3*i+1], offs[3*i+2]
		p.key = arena[k0:m0:m0]
		p.more = arena[m0:end:end]
		p.idHash = identityHash(p.key)
		if p.c.Purpose == cookie.PurposeTracking {
			p.tracking = TrackingSeen{p.c.Domain, p.c.Name, cookie.ReachSite(&p.c, sites.site)}
		}
	}
}

// domainSites is, for the batches to place (none of a repeat's), every
// cookie's domain as an index into doms, and the site of each distinct
// domain. A store holds a third as many domains as cookies (26,768 of
// 84,931 in a generated Firefox store), and a public-suffix lookup is
// ~0.7 µs: the sites are computed once per domain, on up to four
// goroutines, before any cookie is written (order is on the writer's path).
func (im *importer) domainSites() (cookieDom [][]int32, sites []string) {
	cookieDom = make([][]int32, len(im.batches))
	n := 0
	for bi := range im.batches {
		n += len(im.batches[bi].Cookies)
	}
	index := make(map[string]int32, n/3) // about how many domains there are: no rehashing
	var doms []string
	for bi := range im.batches {
		if im.repeat[im.srcIndex[im.batches[bi].Source]] {
			continue
		}
		cs := im.batches[bi].Cookies
		ds := make([]int32, len(cs))
		for ci := range cs {
			d, ok := index[cs[ci].Domain]
			if !ok {
				d = int32(len(doms))
				index[cs[ci].Domain] = d
				doms = append(doms, cs[ci].Domain)
			}
			ds[ci] = d
		}
		cookieDom[bi] = ds
	}
	sites = make([]string, len(doms))
	workers := max(1, min(runtime.GOMAXPROCS(0), 4, len(doms)/siteSpan+1))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(doms); i += workers {
				sites[i] = cookie.Site(doms[i])
			}
		}()
	}
	wg.Wait()
	return cookieDom, sites
}

// siteSpan domains are worth a goroutine of domainSites.
const siteSpan = 4096

// ref is one cookie of the import: batch b, cookie c, and the rank of its
// site among the import's sites (its name is im.siteNames[site]).
type ref struct {
	site int32
	b, c int32
}

// order lists every cookie of the import in the order of the identity
// index: appending to the index costs far less than inserting at random
// places. Of two equal identities the later (by batch, then position)
// comes last and so wins. The cookies are counted into one bucket per site
// (in the sites' sorted order) and only a site's own cookies are compared.
func (im *importer) order() []ref {
	cookieDom, domSite := im.domainSites()
	// Rank the sites: the rank of each domain's site, in sorted order.
	rank := map[string]int32{}
	var names []string
	domRank := make([]int32, len(domSite))
	for d, site := range domSite {
		r, ok := rank[site]
		if !ok {
			r = int32(len(names))
			rank[site] = r
			names = append(names, site)
		}
		domRank[d] = r
	}
	sorted := slices.Clone(names)
	slices.Sort(sorted)
	final := make([]int32, len(names)) // first-seen rank → sorted rank
	for i, s := range sorted {
		final[rank[s]] = int32(i)
	}
	im.siteNames = sorted
	// Bucket the cookies by site (a counting sort: the site decides most
	// comparisons), then sort each site's few cookies by the rest of the
	// identity index's order.
	count := make([]int32, len(sorted)+1)
	n := 0
	for _, ds := range cookieDom {
		for _, d := range ds {
			count[final[domRank[d]]+1]++
			n++
		}
	}
	for i := 1; i < len(count); i++ {
		count[i] += count[i-1]
	}
	order := make([]ref, n)
	next := slices.Clone(count[:len(sorted)])
	for bi, ds := range cookieDom {
		for ci, d := range ds {
			site := final[domRank[d]]
			order[next[site]] = ref{site, int32(bi), int32(ci)}
			next[site]++
		}
	}
	im.sortBuckets(order, count)
	return order
}

// sortBuckets sorts each site's bucket of order (site s holds
// order[count[s]:count[s+1]]) by the rest of the identity index's order.
// The buckets are independent: a large import's are cut into runs of
// about equal size, sorted on up to four goroutines.
func (im *importer) sortBuckets(order []ref, count []int32) {
	sortRange := func(from, to int) { // sites from … to-1
		for s := from; s < to; s++ {
			bucket := order[count[s]:count[s+1]]
			if len(bucket) > 1 {
				slices.SortFunc(bucket, func(x, y ref) int {
					return cmp.Or(compareDefault(&im.batches[x.b].Cookies[x.c], &im.batches[y.b].Cookies[y.c]),
						cmp.Compare(x.b, y.b), cmp.Compare(x.c, y.c))
				})
			}
		}
	}
	sites := len(count) - 1
	workers := max(1, min(runtime.GOMAXPROCS(0), 4, len(order)/siteSpan))
	var wg sync.WaitGroup
	from := 0
	for w := 1; w <= workers; w++ {
		// The last site of this run: the first whose bucket ends past
		// w/workers of the cookies.
		to := sites
		if w < workers {
			to, _ = slices.BinarySearch(count[1:], int32(len(order)*w/workers))
			to = min(to+1, sites)
		}
		if w == workers {
			sortRange(from, to) // on this goroutine
			break
		}
		wg.Add(1)
		go func(from, to int) {
			defer wg.Done()
			sortRange(from, to)
		}(from, to)
		from = to
	}
	wg.Wait()
}
