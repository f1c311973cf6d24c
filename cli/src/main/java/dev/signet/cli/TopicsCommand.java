package dev.signet.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code signet topics …}: Signet's topics from the one table in the code. */
@Command(
    name = "topics",
    description = "Create or describe Signet's topics from the code's topic table.",
    subcommands = {TopicsApplyCommand.class, TopicsStrimziCommand.class})
final class TopicsCommand implements Runnable {

  @Mixin HelpOption helpOption;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "a topics command is required: apply or strimzi");
  }
}
