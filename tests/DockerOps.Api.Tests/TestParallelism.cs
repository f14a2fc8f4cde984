// Every test class cleans up this run's labelled objects after each test, and prunes are filtered by
// the run's label; run in parallel, one class would remove or prune another's containers mid-test.
// Sequential runs also spare the two shared cores that several helpers' test runs compete for.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
