// 申請の手引き (application guide), written from seeds/001 in our own words, in Japanese and English.
// The caller renders the page's <h1>; this content starts at <h2>.

type Locale = 'ja' | 'en';
type Href = '/profile' | '/faq' | '/guide';
type Inline = string | { strong: string } | { href: Href; text: string };
type Text = string | Inline[];
type Block =
  | { p: Text }
  | { note: Text }
  | { ol: Text[] }
  | { ul: Text[] }
  | { dl: [string, Text][] }
  | { h3: string };
interface Section {
  id: string;
  title: string;
  blocks: Block[];
}
interface Guide {
  intro: Block[];
  sections: Section[];
}

function renderText(text: Text) {
  if (typeof text === 'string') return text;
  return text.map((part, i) => {
    if (typeof part === 'string') return part;
    if ('strong' in part) return <strong key={i}>{part.strong}</strong>;
    return <a key={i} href={part.href}>{part.text}</a>;
  });
}

function renderBlock(block: Block, i: number) {
  if ('p' in block) return <p key={i}>{renderText(block.p)}</p>;
  if ('note' in block) return <p key={i}><strong>{renderText(block.note)}</strong></p>;
  if ('ol' in block) return <ol key={i}>{block.ol.map((t, j) => <li key={j}>{renderText(t)}</li>)}</ol>;
  if ('ul' in block) return <ul key={i}>{block.ul.map((t, j) => <li key={j}>{renderText(t)}</li>)}</ul>;
  if ('dl' in block) {
    return (
      <dl key={i}>
        {block.dl.map(([term, desc]) => [<dt key={`t-${term}`}>{term}</dt>, <dd key={`d-${term}`}>{renderText(desc)}</dd>])}
      </dl>
    );
  }
  return <h3 key={i}>{block.h3}</h3>;
}

function guideJa(fiscalYear: number): Guide {
  return {
    intro: [
      { p: '専門医の認定更新は、会員ポータルサイトで次の順にお手続きください。更新対象の方は全員お手続きが必要で、自動更新や休会の制度はありません。' },
      { ol: ['STEP① 「専門医資格申請情報」の作成', 'STEP② 年会費のお支払い', 'STEP③ 単位の取得', 'STEP④ 「専門医資格申請情報」の申請', 'STEP⑤ 更新料のお支払い', 'STEP⑥ 完了'] },
      { p: ['お困りのときは', { href: '/faq', text: 'よくあるご質問（認定更新Q&A）' }, 'もご覧ください。'] },
    ],
    sections: [
      {
        id: 'login',
        title: 'ログイン',
        blocks: [
          { p: 'ログイン画面で会員番号とパスワードを入力し、「ログイン」を押します。' },
          { dl: [
            ['会員番号', '本会が会員ごとに発行している、1から始まる6桁の番号です。半角数字で入力してください。'],
            ['パスワード', 'ご自身で設定したパスワードです。事務局でも確認できません。'],
          ] },
          { p: ['パスワードがわからない場合は、ログインボタンの下の「パスワードをお忘れですか？」から再設定してください。再設定のメールは本会に登録されたメールアドレスに届きます。登録アドレスは', { href: '/profile', text: '会員情報' }, '（「会員情報照会」画面）で確認できます。登録アドレスに心当たりがない場合は事務局へご連絡ください。'] },
        ],
      },
      {
        id: 'step1',
        title: 'STEP① 「専門医資格申請情報」の作成',
        blocks: [
          { p: 'はじめに、更新申請のデータを作成して保存します。' },
          { ol: [
            ['ホーム画面の', { href: '/profile', text: '「会員情報」' }, 'タブを押します。'],
            '表示されたご自身の氏名を押すと、「会員情報照会」画面が開きます。',
            '「専門医資格申請情報」欄の「新規」を押します。',
            '申請区分で「更新申請」を選び、「次へ」を押します。',
            '更新申請の作成画面で、下の4項目を入力します。',
            '「保存」を押します。申請情報が作成され、「会員情報照会」画面に戻ります。',
          ] },
          { dl: [
            ['基本領域資格', 'お持ちの基本領域の資格（認定内科医、総合内科専門医、内科専門医（新制度）、外科専門医、外科学会認定登録医、小児科専門医）を選びます。認定内科医と総合内科専門医の両方をお持ちの場合は、どちらでも構いません。'],
            ['基本領域認定番号', '基本領域資格の認定番号です（循環器専門医の番号ではありません）。8桁まで入力できます。認定証に「11-00000000」の形で記載されている場合は、後ろの8桁だけを入力します。外科学会認定登録医の方は外科学会の会員番号を入力します。'],
            ['基本領域認定・更新年度', '直近に認定（更新）された年度です。一度も更新していない場合は初回認定の年度を入力します。認定証の認定日が属する年度です。'],
            ['基本領域認定期間［開始］［終了］', '現在の認定期間の開始日と終了日です。基本領域資格も近く更新予定の場合でも、更新後の予定ではなく現在の期間を入力します。'],
          ] },
          { p: 'すべて必須項目です。空欄のまま「保存」を押すとエラーが表示されます。Web申請では基本領域資格の認定証のコピーは不要です。' },
          { p: 'ACLSや医師免許取得日の入力を求められた場合は、申請区分が「更新申請」になっていません。もう一度「新規」から作成してください。' },
          { note: 'ご注意：「保存」しただけでは申請は完了していません。STEP②・③を済ませてから、STEP④で必ず申請してください。' },
        ],
      },
      {
        id: 'step2',
        title: 'STEP② 年会費のお支払い',
        blocks: [
          { p: `今年度（${fiscalYear}年度）までのすべての年度の年会費（1年度15,000円）をお支払いください。未納があるとSTEP④で申請できません。` },
          { ul: [
            '未納の年会費は「会費請求/入金状況」に表示されます。何も表示されていなければ完納済みです。',
            '会員ポータルサイトでは「会費請求/入金状況」から該当の請求を開き、ペイジーでお支払いいただけます。',
            '郵便振替用紙は毎年5月に郵送し、未納の場合は10月に再送しています。届いた用紙でもお支払いいただけます。',
            '「口座振替」「クレジット継続払い」をご利用の方は自動で引き落とされますので、お手続きは不要です。',
          ] },
        ],
      },
      {
        id: 'step3',
        title: 'STEP③ 単位の取得',
        blocks: [
          { p: '研修単位は、本会の学術集会・地方会への参加、eラーニング、自己申告で取得できます。対象となるのは現在の認定期間内に取得した単位だけです。まず学術集会や地方会で取得し、不足する場合に自己申告をご利用ください。自己申告が不要な方はSTEP④へお進みください。' },
          { p: '研修単位区分や単位数は「所定単位表」（別表Ⅰ～Ⅴ）で確認できます（本会ホームページの専門医ページ →「専門医-旧制度ページ」→「単位対象一覧（所定単位表）」）。eラーニングはホーム画面の「外部サイトへのLINK」から利用できます。' },
          { h3: '自己申告の手順' },
          { ol: [
            '「会員情報」タブ → ご自身の氏名 の順に押し、「会員情報照会」画面を開きます。',
            '画面右側の関連情報にある「単位情報」の「新規」を押すと、自己申告の入力画面が開きます。',
            '「単位コード」欄に「第○回---学会」「論文」などと入力し、表示された候補から選びます。候補にない場合は虫眼鏡マークから検索します。内科学会などの関連学会の学術集会は「関連学術集会 年次学術集会」を選びます。',
            '学術集会の場合は学術集会名を、論文の場合は論文名・発刊号数などを入力し、「保存」を押します。',
            '作成された単位情報の「管理No」を押して詳細画面を開き、「ファイルをアップロード」から証明書類（ネームカード、論文サマリーなど）を選んでアップロードし、「完了」を押します。',
            '「承認申請」を押し、次の画面で「送信」を押します。コメントは空欄で構いません。',
          ] },
          { note: '証明書類のアップロードは必須です。また「送信」まで押さないと承認申請は事務局に届きません。' },
          { p: '承認申請は事務局が受け付けた順に確認します。申請からおおむね2週間が目安です。' },
          { note: '自己申告で取得できる単位は最大18単位です。すでに18単位以上を自己申告している場合、新たな自己申告はできません。' },
          { h3: '承認申請を取り消す場合' },
          { ol: [
            '「会員情報照会」画面の「単位情報」で「すべて表示」を押し、取り消したい単位の「管理No」を開きます。',
            '右側の「承認履歴」にある「取り消し」を押します。',
            'コメントを任意で入力し（空欄可）、「取り消し」を押します。',
          ] },
          { h3: '却下された場合' },
          { ol: [
            '却下されると、登録のメールアドレスにお知らせが届きます。メール内のリンクを開き、ログインします。',
            '「会員情報照会」画面の「単位情報」で該当の「管理No」を開くと、事務局からの却下理由が表示されています。',
            '理由に沿って内容や証明書類を修正し、もう一度「承認申請」→「送信」を押します。',
          ] },
        ],
      },
      {
        id: 'step4',
        title: 'STEP④ 「専門医資格申請情報」の申請',
        blocks: [
          { p: 'STEP①～③が済んだら、更新申請を行います。' },
          { ol: [
            '「会員情報照会」画面の「専門医資格申請情報」で、STEP①で作成した申請の「申請番号」を押します。',
            '「専門医資格更新申請」を押します。',
            '完了のメッセージを確認し、「閉じる」を押します。',
          ] },
          { p: '申請が受け付けられると、ステータスが「更新申請完了」になります。あわせて「会費請求/入金状況」に更新料（料金区分「専門医更新料」）の請求が作成され、登録のメールアドレスにお支払い画面へのリンク付きのご案内が届きます。' },
          { p: '年会費が未納の場合や単位が不足している場合は申請できず、足りない条件が画面に表示されます。STEP②・③を済ませてから、もう一度申請してください。' },
        ],
      },
      {
        id: 'step5',
        title: 'STEP⑤ 更新料のお支払い',
        blocks: [
          { p: '更新料は30,000円です。' },
          { ol: [
            '「会費請求/入金状況」タブを開きます。',
            '料金区分が「専門医更新料」の「管理NO」を押します。',
            '「クレジットカード/コンビニ/ペイジーでのお支払い」または「払込票での支払いお申込み」を押し、画面の案内に沿ってお手続きください。',
          ] },
          { ul: [
            '表示されている支払期日が実際のお支払い期限です。期日を過ぎて「期限切れ」と表示されていても、お支払いいただけます。',
            'コンビニでのお支払いには、お支払い受付番号（6桁）と電話番号（ハイフンなし）が必要です。必ずお控えください。',
            'お支払いを途中でやめた場合は、同じ請求の画面からお手続きを再開できます。',
          ] },
          { note: 'コンビニ・ペイジーでは、入金が確認されるまで（約5日）ステータスは「未納」のままです。二重に支払わないようご注意ください。確認後、完了のメールが届きます。' },
          { h3: '払込票でのお支払い' },
          { ul: [
            ['払込票は、', { href: '/profile', text: '会員情報' }, 'に登録されている送付・請求先に郵送します。'],
            '発送は12月初旬・3月初旬・5月初旬・6月中旬です。お申込みの時期によって届く時期が異なります。届いたら忘れずにお支払いください。',
            '払込票を申し込むと、ほかのお支払い方法は選べなくなり、その旨のメッセージが表示されます。変更をご希望の場合は事務局へご連絡ください。',
          ] },
          { h3: '領収書' },
          { p: 'お支払いが済んだ請求を「会費請求/入金状況」から開くと「領収書」ボタンが表示され、領収書を発行できます。' },
        ],
      },
      {
        id: 'step6',
        title: 'STEP⑥ 完了',
        blocks: [
          { p: '更新料のお支払いが確認できれば、認定更新のお手続きは完了です。新しい専門医証は、更新条件を満たした方へ3月中旬以降、順次お送りします。' },
        ],
      },
      {
        id: 'withdraw',
        title: '辞退の場合',
        blocks: [
          { p: '認定の更新を辞退する場合も、「会員情報照会」画面から申請します。' },
          { ol: [
            '「専門医資格申請情報」の「新規」を押します。',
            '「辞退申請」を選び、「次へ」を押します。',
            '「辞退理由」を選び、「保存」を押します。',
            '「会員情報照会」画面に戻ったら、作成した辞退申請の「申請番号」を押します。',
            '「専門医認定辞退申請」を押し、確認の画面で「OK」を押します。',
            '完了のメッセージを確認して「閉じる」を押します。',
          ] },
          { p: '辞退申請が受理されると、登録のメールアドレスにお知らせが届きます。状況は「専門医資格申請情報」欄でも確認できます。' },
        ],
      },
      {
        id: 'paper',
        title: '郵送での申請',
        blocks: [
          { p: '会員ポータルサイトでの申請が難しい場合は、郵送でお届けする更新のご案内の裏面にある『認定更新申請書』に記入し、事務局へお送りください。事務局が申請情報を登録します。' },
        ],
      },
    ],
  };
}

function guideEn(fiscalYear: number): Guide {
  return {
    intro: [
      { p: 'Renew your specialist certification in the member portal by following the steps below. Every member due for renewal must apply: there is no automatic renewal and no leave of absence.' },
      { ol: ['Step 1: Create your certification application (「専門医資格申請情報」)', 'Step 2: Pay your annual fees', 'Step 3: Earn credits', 'Step 4: Submit your certification application', 'Step 5: Pay the renewal fee', 'Step 6: Done'] },
      { p: ['If you get stuck, see the ', { href: '/faq', text: 'FAQ' }, '.'] },
    ],
    sections: [
      {
        id: 'login',
        title: 'Logging in',
        blocks: [
          { p: 'On the login screen, enter your member number and password and press “Log in” (「ログイン」).' },
          { dl: [
            ['Member number', 'The 6-digit number the society issued to you. It starts with 1. Type it in half-width digits.'],
            ['Password', 'The password you set yourself. The secretariat cannot see it.'],
          ] },
          { p: ['If you have forgotten your password, press “Forgot your password?” (「パスワードをお忘れですか？」) below the login button to set a new one. The reset email goes to the address registered with the society, which you can see under ', { href: '/profile', text: 'Member information' }, ' (「会員情報照会」). If you no longer use that address, contact the secretariat.'] },
        ],
      },
      {
        id: 'step1',
        title: 'Step 1: Create your certification application (「専門医資格申請情報」)',
        blocks: [
          { p: 'First, create and save the data for your renewal application.' },
          { ol: [
            ['On the home screen, open the ', { href: '/profile', text: '“Member information” (「会員情報」)' }, ' tab.'],
            'Click your own name to open the member profile page (「会員情報照会」).',
            'Under “Certification application” (「専門医資格申請情報」), press “New” (「新規」).',
            'Choose “Renewal” (「更新申請」) as the application type and press “Next” (「次へ」).',
            'Fill in the four fields described below.',
            'Press “Save” (「保存」). The application is created and you return to the member profile page.',
          ] },
          { dl: [
            ['Base qualification (基本領域資格)', 'Your base specialty: 認定内科医, 総合内科専門医, 内科専門医（新制度）, 外科専門医, 外科学会認定登録医 or 小児科専門医. If you hold both 認定内科医 and 総合内科専門医, either one is fine.'],
            ['Base qualification number (基本領域認定番号)', 'The certification number of that base qualification, not your cardiology specialist number. Up to 8 digits. If your certificate shows a number like “11-00000000”, enter only the last 8 digits. For 外科学会認定登録医, enter your surgery society member number.'],
            ['Base qualification year (基本領域認定・更新年度)', 'The fiscal year of your most recent certification or renewal, based on the certification date on your certificate. If you have never renewed it, enter the year of your first certification.'],
            ['Base qualification period, start and end (基本領域認定期間［開始］［終了］)', 'The start and end dates of your current period. Even if the base qualification is about to be renewed, enter the current period, not the planned next one.'],
          ] },
          { p: 'All fields are required; saving with a blank field shows an error. A web application needs no copy of your base qualification certificate.' },
          { p: 'If the form asks for ACLS or the date of your medical licence, the application type is not “Renewal” (「更新申請」). Start again from “New” (「新規」).' },
          { note: 'Note: saving does not submit your application. Complete Steps 2 and 3, then submit it in Step 4.' },
        ],
      },
      {
        id: 'step2',
        title: 'Step 2: Pay your annual fees',
        blocks: [
          { p: `Pay the annual fee (15,000 yen per fiscal year) for every fiscal year up to and including the current one, fiscal year ${fiscalYear} (April ${fiscalYear} – March ${fiscalYear + 1}). You cannot submit in Step 4 while a fee is unpaid.` },
          { ul: [
            'Unpaid annual fees are listed under “Billing” (「会費請求/入金状況」). If nothing is listed, you are fully paid.',
            'In the portal, open the invoice from “Billing” (「会費請求/入金状況」) and pay by Pay-easy.',
            'Postal transfer slips (郵便振替用紙) are mailed every May, and again in October if the fee is still unpaid. You can pay with those slips too.',
            'If you pay by direct debit (「口座振替」) or recurring card payment (「クレジット継続払い」), the fee is collected automatically and you need do nothing.',
          ] },
        ],
      },
      {
        id: 'step3',
        title: 'Step 3: Earn credits',
        blocks: [
          { p: 'You earn credits by attending the society’s annual and regional meetings, through e-learning, and by self-reporting. Only credits earned within your current certification period count. Earn credits at meetings first and self-report only if you are short. If you do not need to self-report, go to Step 4.' },
          { p: 'The credit categories and values are in the credit schedule, 「所定単位表」 (tables I–V), on the society’s website: specialist page → 「専門医-旧制度ページ」 → 「単位対象一覧（所定単位表）」. E-learning is reached from “External links” (「外部サイトへのLINK」) on the home screen.' },
          { h3: 'How to self-report a credit' },
          { ol: [
            'Open the “Member information” (「会員情報」) tab, then click your name to open the member profile page (「会員情報照会」).',
            'Under the related information on the right, press “New” (「新規」) next to “Credits” (「単位情報」). The self-report form opens.',
            'In the “Credit code” (「単位コード」) field, type words such as 「第○回---学会」 or 「論文」 and pick from the suggestions. If nothing fits, search with the magnifier icon. For meetings of related societies, such as the Japanese Society of Internal Medicine, choose 「関連学術集会 年次学術集会」.',
            'Enter the meeting name, or for a paper its title and issue, and press “Save” (「保存」).',
            'Open the new credit record by its “Management No.” (「管理No」), upload your proof (name badge, paper summary, etc.) with “Upload file” (「ファイルをアップロード」), then press “Done” (「完了」).',
            'Press “Request approval” (「承認申請」), then “Send” (「送信」) on the next screen. The comment may be left blank.',
          ] },
          { note: 'Uploading proof is mandatory, and your request does not reach the secretariat until you press “Send” (「送信」).' },
          { p: 'The secretariat reviews requests in the order received; allow about two weeks.' },
          { note: 'Self-reported credits are capped at 18. If you already have 18 or more self-reported credits, you cannot self-report any more.' },
          { h3: 'Recalling a request' },
          { ol: [
            'On the member profile page, press “Show all” (「すべて表示」) under “Credits” (「単位情報」) and open the credit by its “Management No.” (「管理No」).',
            'In “Approval history” (「承認履歴」) on the right, press “Recall” (「取り消し」).',
            'Add a comment if you like (it may be blank) and press “Recall” (「取り消し」).',
          ] },
          { h3: 'If a self-report is rejected' },
          { ol: [
            'You receive an email at your registered address. Follow the link in it and log in.',
            'On the member profile page, open the credit by its “Management No.” (「管理No」) under “Credits” (「単位情報」). The secretariat’s reason for rejection is shown there.',
            'Correct the details or the proof as asked, then press “Request approval” (「承認申請」) and “Send” (「送信」) again.',
          ] },
        ],
      },
      {
        id: 'step4',
        title: 'Step 4: Submit your certification application',
        blocks: [
          { p: 'Once Steps 1 to 3 are done, submit your renewal.' },
          { ol: [
            'On the member profile page, under “Certification application” (「専門医資格申請情報」), open the application you created in Step 1 by its “Application No.” (「申請番号」).',
            'Press “Apply for renewal” (「専門医資格更新申請」).',
            'Check the confirmation message and press “Close” (「閉じる」).',
          ] },
          { p: 'When the application is accepted, its status becomes 「更新申請完了」 (renewal submitted). A renewal-fee invoice (fee type 「専門医更新料」) then appears under “Billing” (「会費請求/入金状況」), and an email with a link to the payment page is sent to your registered address.' },
          { p: 'If an annual fee is unpaid or you do not have enough credits, the application is refused and the screen tells you what is missing. Complete Step 2 or 3 and submit again.' },
        ],
      },
      {
        id: 'step5',
        title: 'Step 5: Pay the renewal fee',
        blocks: [
          { p: 'The renewal fee is 30,000 yen.' },
          { ol: [
            'Open the “Billing” (「会費請求/入金状況」) tab.',
            'Open the invoice whose fee type is 「専門医更新料」 by its “Management No.” (「管理NO」).',
            'Press “Pay by credit card, convenience store or Pay-easy” (「クレジットカード/コンビニ/ペイジーでのお支払い」) or “Request a payment slip” (「払込票での支払いお申込み」), and follow the instructions on screen.',
          ] },
          { ul: [
            'The due date shown is the real deadline. Even after it has passed and the invoice shows “Overdue” (「期限切れ」), you can still pay.',
            'To pay at a convenience store you need the 6-digit payment reception number (お支払い受付番号) and your phone number (without hyphens). Keep them at hand.',
            'If you stopped a payment halfway, open the same invoice again and resume from there.',
          ] },
          { note: 'With convenience-store or Pay-easy payment, the invoice stays “Unpaid” (「未納」) until the payment is confirmed, about 5 days later. Do not pay twice. You will receive an email once it is confirmed.' },
          { h3: 'Paying by slip' },
          { ul: [
            ['The slip is mailed to the mailing/billing address (送付・請求先) registered under ', { href: '/profile', text: 'Member information' }, '.'],
            'Slips are sent in early December, early March, early May and mid-June, so when it arrives depends on when you ask for it. Please pay it promptly.',
            'Once you ask for a slip, the other payment methods are no longer available and a message says so. To change the method, contact the secretariat.',
          ] },
          { h3: 'Receipts' },
          { p: 'Open a paid invoice from “Billing” (「会費請求/入金状況」) and press the “Receipt” (「領収書」) button to issue your receipt.' },
        ],
      },
      {
        id: 'step6',
        title: 'Step 6: Done',
        blocks: [
          { p: 'Once your renewal fee is confirmed, your renewal is complete. New certificates (専門医証) are mailed from mid-March onwards to members who meet the renewal requirements.' },
        ],
      },
      {
        id: 'withdraw',
        title: 'Withdrawing from renewal',
        blocks: [
          { p: 'If you do not wish to renew, you also apply from the member profile page.' },
          { ol: [
            'Under “Certification application” (「専門医資格申請情報」), press “New” (「新規」).',
            'Choose “Withdrawal” (「辞退申請」) and press “Next” (「次へ」).',
            'Choose a reason (「辞退理由」) and press “Save” (「保存」).',
            'Back on the member profile page, open the withdrawal you created by its “Application No.” (「申請番号」).',
            'Press “Apply for withdrawal” (「専門医認定辞退申請」) and then “OK” in the confirmation.',
            'Check the completion message and press “Close” (「閉じる」).',
          ] },
          { p: 'When the withdrawal is accepted, you receive an email at your registered address. You can also check it under “Certification application” (「専門医資格申請情報」).' },
        ],
      },
      {
        id: 'paper',
        title: 'Applying by post',
        blocks: [
          { p: 'If you cannot use the member portal, fill in the renewal form 『認定更新申請書』 on the back of the renewal notice we mail to you and send it to the secretariat. The secretariat will enter your application.' },
        ],
      },
    ],
  };
}

export function GuideContent({ locale, fiscalYear }: { locale: Locale; fiscalYear: number }) {
  const guide = locale === 'ja' ? guideJa(fiscalYear) : guideEn(fiscalYear);
  return (
    <>
      {guide.intro.map(renderBlock)}
      {guide.sections.map((s) => (
        <section key={s.id} class="guide__section" aria-labelledby={`guide-${s.id}`}>
          <h2 id={`guide-${s.id}`}>{s.title}</h2>
          {s.blocks.map(renderBlock)}
        </section>
      ))}
    </>
  );
}
