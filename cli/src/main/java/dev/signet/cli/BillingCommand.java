package dev.signet.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code signet billing …}: finance tools over billing's tables. */
@Command(
    name = "billing",
    description =
        "Billing tools: reconcile a month of receipts, totals, charges, ledger and Stripe.",
    subcommands = {ReconcileCommand.class})
final class BillingCommand implements Runnable {

  @Mixin HelpOption helpOption;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a billing command is required: reconcile");
  }
}
