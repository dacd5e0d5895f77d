import { useState } from 'preact/hooks';
import { createGroup } from '../api/xray-client.js';

/** "Save the current filter as a group" (CreateGroup); the API's validation message is shown as it words it. */
export function SaveGroup({ filter, onSaved }: { filter: string; onSaved: (name: string) => void }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string | undefined>(undefined);
  if (!open) {
    return (
      <button type="button" class="button ghost small" onClick={() => setOpen(true)} title="Create an X-Ray group with this filter expression">
        Save as group…
      </button>
    );
  }
  return (
    <form
      class="save-group"
      onSubmit={(e) => {
        e.preventDefault();
        createGroup(name.trim(), filter).then(
          () => {
            setOpen(false);
            setProblem(undefined);
            onSaved(name.trim());
          },
          (err: Error) => setProblem(err.message),
        );
      }}
    >
      <label>
        <span class="visually-hidden">Group name</span>
        <input name="group-name" value={name} placeholder="group name" ref={(el) => el?.focus()} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <button type="submit" class="button small primary">
        Save group
      </button>
      <button type="button" class="button small ghost" onClick={() => setOpen(false)}>
        Cancel
      </button>
      {problem !== undefined && (
        <span class="save-group-error" role="alert">
          {problem}
        </span>
      )}
    </form>
  );
}
