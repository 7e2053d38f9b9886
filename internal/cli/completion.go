package cli

import (
	"github.com/spf13/cobra"
)

// completionCommand replaces cobra's default one so that an unknown shell
// is a usage error (exit 2) instead of a help page and exit 0.
func (a *app) completionCommand() *cobra.Command {
	shells := []string{"bash", "zsh", "fish", "powershell"}
	return &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print the shell completion script",
		Long: `Print the completion script for a shell. Completion offers the commands,
their flags, browser SOURCEs and the filter language's keys (domain:,
is:expired, …).`,
		Example: `  source <(crumbs completion bash)
  crumbs completion zsh > "${fpath[1]}/_crumbs"
  crumbs completion fish > ~/.config/fish/completions/crumbs.fish`,
		ValidArgs: shells,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf("completion needs one shell: bash, zsh, fish or powershell")
			}
			for _, s := range shells {
				if args[0] == s {
					return nil
				}
			}
			return usageErrorf("completion: unknown shell %q (want bash, zsh, fish or powershell)", args[0])
		},
		RunE: a.run(func(cmd *cobra.Command, args []string) error {
			root, out := cmd.Root(), a.env.Stdout
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(out, true)
			case "zsh":
				return root.GenZshCompletion(out)
			case "fish":
				return root.GenFishCompletion(out, true)
			}
			return root.GenPowerShellCompletionWithDesc(out)
		}),
	}
}
