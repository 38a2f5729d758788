/**
 * Registers the tools module's commands ({@code eval}, {@code bench}) with the {@code dreamsim}
 * command line through the {@link dss.cli.MoreCommands} service: present in a source build, absent
 * from a production install.
 */
package dss.tools;
