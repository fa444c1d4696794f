// One lab (and one lvsd) at a time: the machine has two cores and the tests measure scheduling order.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
