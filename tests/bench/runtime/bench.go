// bench.go: the workloads of bench.c in Go, with the same counts, the same
// repetitions and the same output ("NAME RATE" per line), so that run.sh
// can compare libgochan with Go's runtime.
//
//	pingpong  unbuffered round trips between two goroutines (N/10 trips)
//	buf1x1    cap-1024 channel, 1 producer, 1 consumer (N messages)
//	buf4x4    cap-1024 channel, 4 producers, 4 consumers (N messages)
//	select4   one receiver selecting over 4 cap-1024 channels, each fed
//	          by its own sender (N messages in all)
//
// Usage: bench [-n N] [-r REPS] [WORKLOAD...]
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"sync"
	"time"
)

const (
	capacity    = 1024
	producers   = 4
	consumers   = 4
	selectChans = 4
)

func die(what string) {
	fmt.Fprintf(os.Stderr, "bench: %s\n", what)
	os.Exit(1)
}

func rangeSum(first, n uint64) uint64 {
	return n*first + n*(n-1)/2
}

func runPingpong(n int64) int64 {
	trips := n / 10
	ping := make(chan int64)
	pong := make(chan int64)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		for i := int64(0); i < trips; i++ {
			v := <-ping
			pong <- v + 1
		}
		wg.Done()
	}()
	v := int64(0)
	for i := int64(0); i < trips; i++ {
		ping <- v
		v = <-pong
	}
	wg.Wait()
	if v != trips {
		die("pingpong: lost a round trip")
	}
	return trips
}

func runProdcons(n int64, nprod, ncons int) int64 {
	c := make(chan int64, capacity)
	per := n / int64(nprod)
	var pwg, cwg sync.WaitGroup
	sums := make([]uint64, ncons)
	counts := make([]int64, ncons)
	pwg.Add(nprod)
	cwg.Add(ncons)
	for i := 0; i < ncons; i++ {
		go func(i int) {
			var sum uint64
			var count int64
			for v := range c {
				sum += uint64(v)
				count++
			}
			sums[i], counts[i] = sum, count
			cwg.Done()
		}(i)
	}
	for i := 0; i < nprod; i++ {
		go func(i int) {
			base := int64(i) * per
			for j := int64(0); j < per; j++ {
				c <- base + j
			}
			pwg.Done()
		}(i)
	}
	pwg.Wait()
	close(c)
	cwg.Wait()
	total := per * int64(nprod)
	var count int64
	var sum uint64
	for i := 0; i < ncons; i++ {
		count += counts[i]
		sum += sums[i]
	}
	if count != total || sum != rangeSum(0, uint64(total)) {
		die("prodcons: lost or duplicated a message")
	}
	return total
}

func runBuf1x1(n int64) int64 { return runProdcons(n, 1, 1) }
func runBuf4x4(n int64) int64 { return runProdcons(n, producers, consumers) }

func runSelect4(n int64) int64 {
	per := n / selectChans
	var cs [selectChans]chan int64
	var wg sync.WaitGroup
	wg.Add(selectChans)
	for i := range cs {
		cs[i] = make(chan int64, capacity)
		go func(c chan int64, first int64) {
			for j := int64(0); j < per; j++ {
				c <- first + j
			}
			close(c)
			wg.Done()
		}(cs[i], int64(i)*per)
	}
	c0, c1, c2, c3 := cs[0], cs[1], cs[2], cs[3]
	open := selectChans
	var count int64
	var sum uint64
	for open > 0 {
		var v int64
		var ok bool
		select {
		case v, ok = <-c0:
			if !ok {
				c0 = nil
			}
		case v, ok = <-c1:
			if !ok {
				c1 = nil
			}
		case v, ok = <-c2:
			if !ok {
				c2 = nil
			}
		case v, ok = <-c3:
			if !ok {
				c3 = nil
			}
		}
		if !ok {
			open--
			continue
		}
		sum += uint64(v)
		count++
	}
	wg.Wait()
	total := per * selectChans
	if count != total || sum != rangeSum(0, uint64(total)) {
		die("select4: lost or duplicated a message")
	}
	return total
}

var workloads = []struct {
	name string
	run  func(int64) int64
}{
	{"pingpong", runPingpong},
	{"buf1x1", runBuf1x1},
	{"buf4x4", runBuf4x4},
	{"select4", runSelect4},
}

func medianRate(run func(int64) int64, n int64, reps int) float64 {
	rates := make([]float64, reps)
	for r := range rates {
		t0 := time.Now()
		ops := run(n)
		d := time.Since(t0)
		if d <= 0 {
			d = 1
		}
		rates[r] = float64(ops) * 1e9 / float64(d.Nanoseconds())
	}
	sort.Float64s(rates)
	if reps%2 == 1 {
		return rates[reps/2]
	}
	return (rates[reps/2-1] + rates[reps/2]) / 2
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: bench [-n N] [-r REPS] [pingpong|buf1x1|buf4x4|select4...]")
	os.Exit(2)
}

func main() {
	n := flag.Int64("n", 1000000, "messages per repetition (pingpong: N/10 round trips)")
	reps := flag.Int("r", 5, "repetitions; the median is printed")
	flag.Usage = usage
	flag.Parse()
	if *n < 40 || *reps < 1 || *reps > 101 {
		usage()
	}
	selected := map[string]bool{}
	for _, a := range flag.Args() {
		known := false
		for _, w := range workloads {
			known = known || w.name == a
		}
		if !known {
			usage()
		}
		selected[a] = true
	}
	for _, w := range workloads {
		if len(selected) > 0 && !selected[w.name] {
			continue
		}
		fmt.Printf("%s %.0f\n", w.name, medianRate(w.run, *n, *reps))
	}
}
