// hnsw_ref.cpp - hnswlib reference for the vector-search comparison (extends ../shared/bench/vector/hnsw_bench.cpp):
// build with T threads (or load a saved graph), the bytes the index holds per vector, then for each efSearch the
// recall@10 and the queries/s of single-thread search and, with S > 1 search threads, of S threads sharing the queries.
// Inner-product space (distance = 1 - <q,x>), M and efConstruction as given, hnswlib's default seed 100.
// Build: g++ -O3 -march=native -pthread -I<hnswlib include dir> -I. hnsw_ref.cpp -o hnsw_ref
// Run:   ./hnsw_ref DATA_DIR BUILD_THREADS M EFC REPS EF1,EF2,... SEARCH_THREADS [save PATH | load PATH]
#include <hnswlib/hnswlib.h>
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "common.h"

static size_t heap_bytes() {
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;  // bytes in use from the heap and from mmap'd blocks
}

template <class F>
static void run_threads(int T, F &&body) {
    if (T <= 1) { body(); return; }
    std::vector<std::thread> th;
    for (int t = 0; t < T; t++) th.emplace_back(body);
    for (auto &x : th) x.join();
}

int main(int argc, char **argv) {
    if (argc < 8) { fprintf(stderr, "usage: %s DATA_DIR BUILD_THREADS M EFC REPS EFS SEARCH_THREADS [save PATH|load PATH]\n", argv[0]); return 1; }
    std::string dir = argv[1];
    int T = atoi(argv[2]), M = atoi(argv[3]), efC = atoi(argv[4]), reps = atoi(argv[5]), S = atoi(argv[7]);
    std::vector<int> efs;
    for (std::string s = argv[6]; !s.empty();) {
        size_t c = s.find(',');
        efs.push_back(atoi(s.substr(0, c).c_str()));
        s = c == std::string::npos ? "" : s.substr(c + 1);
    }
    std::string mode = argc > 9 ? argv[8] : "", path = argc > 9 ? argv[9] : "";
    size_t N, Q, ng; int d, dq, gk;
    float *base = (float *)read_vecs((dir + "/base.fvecs").c_str(), &N, &d);
    float *qry = (float *)read_vecs((dir + "/query.fvecs").c_str(), &Q, &dq);
    int *gt = (int *)read_vecs((dir + "/gt.ivecs").c_str(), &ng, &gk);
    const int K = 10;

    hnswlib::InnerProductSpace space(d);
    hnswlib::HierarchicalNSW<float> *index;
    size_t before = heap_bytes();
    if (mode == "load") {
        index = new hnswlib::HierarchicalNSW<float>(&space, path);
        printf("hnswlib load: N=%zu d=%d M=%d efC=%d from %s\n", N, d, M, efC, path.c_str());
    } else {
        double t0 = now_s();
        index = new hnswlib::HierarchicalNSW<float>(&space, N, M, efC, 100);
        index->addPoint(base, 0);  // first point serially (entry point), like the python bindings
        std::atomic<size_t> next(1);
        run_threads(T, [&]() {
            for (size_t i; (i = next.fetch_add(1)) < N;) index->addPoint(base + i * d, i);
        });
        double build = now_s() - t0;
        printf("hnswlib build: N=%zu d=%d M=%d efC=%d threads=%d  time %.2f s  (%.0f vec/s)\n", N, d, M, efC, T, build, N / build);
        if (mode == "save") index->saveIndex(path);
    }
    printf("hnswlib memory: N=%zu  %.1f bytes/vector (heap growth while building or loading, vectors included)\n", N, (double)(heap_bytes() - before) / N);
    fflush(stdout);

    std::vector<int64_t> res(Q * K);
    auto search_one = [&](size_t q) {
        auto pq = index->searchKnn(qry + q * d, K);
        int j = (int)pq.size() - 1;
        while (!pq.empty()) { res[q * K + j--] = (int64_t)pq.top().second; pq.pop(); }
    };
    for (int ef : efs) {
        index->setEf(ef);
        for (int threads : {1, S}) {
            if (threads == S && S <= 1 && threads != 1) continue;
            std::vector<double> qps(reps);
            for (int r = -1; r < reps; r++) {  // r = -1: warm-up pass
                std::atomic<size_t> next(0);
                double t1 = now_s();
                run_threads(threads, [&]() {
                    for (size_t q; (q = next.fetch_add(1)) < Q;) search_one(q);
                });
                if (r >= 0) qps[r] = Q / (now_s() - t1);
            }
            double rec = recall_at_k(res.data(), K, gt, gk, Q, K);
            std::sort(qps.begin(), qps.end());
            printf("hnswlib search threads=%d: ef=%4d recall@10 %.4f  QPS median %.0f (min %.0f max %.0f, %d reps)\n",
                   threads, ef, rec, qps[reps / 2], qps[0], qps[reps - 1], reps);
            fflush(stdout);
            if (S <= 1) break;
        }
    }
    return 0;
}
