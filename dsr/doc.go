// Package dsr answers one person's data subject request over any
// [gdpr.Service] (a [gdpr.Client], an embedded processor), the way the
// GDPR API's worked example does, in the steps people take:
//
//  1. [Resolve] the identifiers the person gave: one subject search per
//     identifier, and a verdict on each subject found ([Confirmed]: the
//     person's identifiers correlate it; [Ambiguous]: a name or an address
//     alone found it, maybe a namesake);
//  2. review the [Resolution] and make a [Plan] ([Resolution.Plan]): one
//     request per accepted subject, by its id, and what is left alone and
//     why. Nothing is created yet;
//  3. [Submit] the plan: every request is created, idempotently, and
//     Submit returns at once with their ids;
//  4. [Follow] the requests until they are final, with progress, and read
//     the [Report].
//
// A Resolution, a Plan and a Report are plain data that marshal to JSON,
// so each step can be stored, shown and taken up again later, in another
// process. Every request's idempotency key derives from the DSR id (a
// ticket number, or an id derived from the identifiers: [DeriveID]), so
// submitting the same plan again after a crash creates nothing twice.
//
// Terms are [gdpr.Term]s of the one vocabulary of the module: what is an
// id ([gdpr.Kind.IsID]) for the processor is an id for the plan.
package dsr
