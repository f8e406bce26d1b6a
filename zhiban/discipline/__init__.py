"""The discipline register (纪律登记): what a person is recorded for when they break duty discipline — today
absence (旷工, under LEAVE-05, SWAP-05 and SWAP-06), fed by leave, swaps and a manager's hand."""
